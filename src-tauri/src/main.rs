// Cartographus Desktop: see lib.rs. Keeps the binary a one-liner so tests can use the lib.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    cartographus_engine::memory::limit_malloc_arenas();
    cartographus_desktop::run();
}
