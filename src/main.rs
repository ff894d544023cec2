//! Entry point: a panic hook that reports instead of going blank, then mount.

fn main() {
    dashboard::install_panic_hook();
    dashboard::mount();
}
