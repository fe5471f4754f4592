//! `include_dir!` embeds `locales/` at compile time, but cargo only notices
//! changes to files it already knows about. Watching the directory makes a
//! newly added `<lang>.ftl` trigger a rebuild too.

fn main() {
    println!("cargo:rerun-if-changed=locales");
}
