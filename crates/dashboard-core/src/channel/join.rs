//! The join: the `phx_join` realtime-js 2.x sends (one postgres_changes listener for the table,
//! one for the history's inserts; or, in broadcast mode, the private topic), in its key order.

use super::{Channel, Command, Phase};
use crate::wire::frame::Frame;
use crate::wire::json::Json;
use crate::wire::protocol::event;

impl Channel {
    pub(super) fn join(&mut self, now_ms: u64, commands: &mut Vec<Command>) {
        let join_ref = self.make_ref();
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
        let frame = Frame::push(
            Some(join_ref.clone()),
            Some(join_ref.clone()),
            &self.options.topic,
            event::JOIN,
            payload,
        );
        commands.push(Command::Send(frame.encode(Self::VSN)));
        self.phase = Phase::Joining {
            join_ref,
            since: now_ms,
        };
    }
}
