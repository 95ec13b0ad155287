fn main() {
    // The UI is embedded at compile time; say how to produce it instead of failing obscurely.
    let index = std::path::Path::new("../ui/dist/index.html");
    println!("cargo:rerun-if-changed=../ui/dist/index.html");
    if !index.exists() {
        println!(
            "cargo:warning=ui/dist is missing: run scripts/build-ui.sh before building the app"
        );
    }
    tauri_build::build()
}
