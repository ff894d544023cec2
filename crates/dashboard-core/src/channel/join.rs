//! The join: the `phx_join` realtime-js 2.x sends (one postgres_changes listener for the table,
//! one for the history's inserts; or, in broadcast mode, the private topic), in its key order.
//! Also a join someone else sent on the socket before the machine had it (the loader's, so
//! that the subscription is made while the app loads): taken as the machine's own when it is
//! exactly the join the machine would send.

use super::{Channel, Command, Phase};
use crate::wire::frame::Frame;
use crate::wire::json::Json;
use crate::wire::protocol::event;

impl Channel {
    pub(super) fn join(&mut self, now_ms: u64, commands: &mut Vec<Command>) {
        let join_ref = self.make_ref();
        commands.push(Command::Send(self.join_text(&join_ref)));
        self.joining(join_ref, now_ms);
    }

    /// Takes `sent`, a join already sent on a socket that is open, as this machine's first join,
    /// if it is exactly the one it would send (same ref, topic, listeners, token): the machine is
    /// then joining, and what arrives on that socket since is fed to it as usual. Anything else
    /// is refused (`false`), and the machine stays as it was.
    pub fn adopt_join(&mut self, sent: &str, now_ms: u64) -> bool {
        let adoptable = matches!(self.phase, Phase::Idle | Phase::Opening { .. });
        let join_ref = (self.next_ref + 1).to_string();
        if !adoptable || sent != self.join_text(&join_ref) {
            return false;
        }
        self.next_ref += 1;
        self.socket_opened(now_ms);
        self.joining(join_ref, now_ms);
        true
    }

    fn joining(&mut self, join_ref: String, now_ms: u64) {
        self.phase = Phase::Joining {
            join_ref,
            since: now_ms,
        };
    }

    /// The join's text, with `join_ref` as its join_ref and ref.
    fn join_text(&self, join_ref: &str) -> String {
        // What realtime-js 2.x sends for one postgres_changes listener, in its key order.
        let payload = Json::object([
            (
                "config",
                Json::object([
                    (
                        "broadcast",
                        Json::object([("ack", false.into()), ("self", false.into())]),
                    ),
                    (
                        "presence",
                        Json::object([("key", "".into()), ("enabled", false.into())]),
                    ),
                    (
                        "postgres_changes",
                        Json::Array(
                            (!self.options.broadcast)
                                .then(|| {
                                    Json::object([
                                        ("event", "*".into()),
                                        ("schema", Json::string(&self.options.schema)),
                                        ("table", Json::string(&self.options.table)),
                                    ])
                                })
                                .into_iter()
                                .chain(self.options.history_table.iter().map(|table| {
                                    Json::object([
                                        ("event", "INSERT".into()),
                                        ("schema", Json::string(&self.options.schema)),
                                        ("table", Json::string(table)),
                                    ])
                                }))
                                .collect(),
                        ),
                    ),
                    ("private", self.options.broadcast.into()),
                ]),
            ),
            ("access_token", Json::string(&self.options.access_token)),
        ]);
        Frame::push(
            Some(join_ref.to_owned()),
            Some(join_ref.to_owned()),
            &self.options.topic,
            event::JOIN,
            payload,
        )
        .encode(Self::VSN)
    }
}
