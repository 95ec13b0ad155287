//! The keychain against the REAL OS keychain (no mock): on Linux run these under
//! `scripts/headless.sh`, which starts a throwaway unlocked gnome-keyring on a private D-Bus.
//! Without a keychain they fail with the Unavailable message instead of passing silently.

use std::sync::atomic::{AtomicU32, Ordering};

use folio_core::keychain::{Keychain, KeychainError};

/// A service name no other test, run or real install shares, so parallel tests never collide
/// and a failed run leaves nothing that a later one could mistake for its own.
fn unique_keychain(test: &str) -> Keychain {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    Keychain::with_service(format!(
        "folio-test-{test}-{}-{nanos}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    ))
}

/// Fails the test loudly, with the fix, when the machine has no usable keychain.
fn ok<T>(result: Result<T, KeychainError>, what: &str) -> T {
    match result {
        Ok(value) => value,
        Err(err @ KeychainError::Unavailable { .. }) => panic!(
            "{what}: {err}\nThese tests need a real OS keychain; on Linux run them as \
             `scripts/headless.sh cargo test -p folio-core --test keychain`."
        ),
        Err(err) => panic!("{what}: {err}"),
    }
}

#[tokio::test]
async fn round_trip_set_get_replace_delete() {
    let keychain = unique_keychain("round-trip");
    ok(keychain.set("token", "first s3cret").await, "set");
    assert_eq!(
        ok(keychain.get("token").await, "get").as_deref(),
        Some("first s3cret")
    );

    ok(keychain.set("token", "second s3cret ✓").await, "replace");
    assert_eq!(
        ok(keychain.get("token").await, "get after replace").as_deref(),
        Some("second s3cret ✓")
    );

    // A fresh handle on the same service sees the same entry: it lives in the OS, not in memory.
    let again = Keychain::with_service(keychain.service());
    assert_eq!(
        ok(again.get("token").await, "get via a new handle").as_deref(),
        Some("second s3cret ✓")
    );

    assert!(ok(keychain.delete("token").await, "delete"));
    assert_eq!(ok(keychain.get("token").await, "get after delete"), None);
}

#[tokio::test]
async fn entries_of_one_service_are_separate_by_name_and_by_service() {
    let keychain = unique_keychain("separate");
    let other = unique_keychain("separate");
    ok(keychain.set("a", "secret-a").await, "set a");
    ok(keychain.set("b", "secret-b").await, "set b");
    assert_eq!(
        ok(keychain.get("a").await, "get a").as_deref(),
        Some("secret-a")
    );
    assert_eq!(ok(other.get("a").await, "get a of other service"), None);
    assert!(ok(keychain.delete("a").await, "delete a"));
    assert_eq!(
        ok(keychain.get("b").await, "get b").as_deref(),
        Some("secret-b")
    );
    assert!(ok(keychain.delete("b").await, "delete b"));
}

#[tokio::test]
async fn get_of_a_missing_entry_is_none() {
    let keychain = unique_keychain("missing-get");
    assert_eq!(ok(keychain.get("never-set").await, "get"), None);
}

#[tokio::test]
async fn delete_of_a_missing_entry_is_false() {
    let keychain = unique_keychain("missing-delete");
    assert!(!ok(keychain.delete("never-set").await, "delete"));
}

#[tokio::test]
async fn a_secret_never_appears_in_debug_or_display() {
    let secret = "pa55-never-print-me";
    let keychain = unique_keychain("no-leak");
    ok(keychain.set("token", secret).await, "set");
    assert!(!format!("{keychain:?}").contains(secret));

    // A call that fails after being handed the secret must not echo it.
    let err = match keychain.set("", secret).await {
        Err(err) => err,
        Ok(()) => panic!("an empty entry name was accepted"),
    };
    assert!(!format!("{err}").contains(secret), "Display: {err}");
    assert!(!format!("{err:?}").contains(secret), "Debug: {err:?}");

    assert!(ok(keychain.delete("token").await, "delete"));
}

/// The child half of `without_a_keychain_calls_fail_with_the_fix`: a no-op unless that test
/// started it with a session bus address that leads nowhere.
#[cfg(target_os = "linux")]
#[tokio::test]
async fn unavailable_probe() {
    if std::env::var_os("FOLIO_KEYCHAIN_PROBE").is_none() {
        return;
    }
    let secret = "pa55-probe-never-print-me";
    let keychain = unique_keychain("probe");
    let err = match keychain.set("token", secret).await {
        Err(err) => err,
        Ok(()) => panic!("set succeeded without a session bus"),
    };
    assert!(
        matches!(err, KeychainError::Unavailable { .. }),
        "expected Unavailable, got {err:?}"
    );
    let shown = format!("{err} / {err:?}");
    assert!(!shown.contains(secret), "{shown}");
    assert!(shown.contains("gnome-keyring"), "no hint in: {shown}");
    assert!(matches!(
        keychain.get("token").await,
        Err(KeychainError::Unavailable { .. })
    ));
    println!("PROBE-MESSAGE: {err}");
}

/// Without a keychain every call must end promptly in Unavailable with the fix, not hang, panic
/// or look like an empty keychain. The probe runs in a child process because the bus address is
/// read from the environment, which this process shares with the tests running beside it.
#[cfg(target_os = "linux")]
#[test]
fn without_a_keychain_calls_fail_with_the_fix() {
    let exe = match std::env::current_exe() {
        Ok(exe) => exe,
        Err(err) => panic!("current_exe: {err}"),
    };
    let output = std::process::Command::new(exe)
        .args(["--exact", "unavailable_probe", "--nocapture"])
        .env("FOLIO_KEYCHAIN_PROBE", "1")
        .env(
            "DBUS_SESSION_BUS_ADDRESS",
            "unix:path=/nonexistent/folio-keychain-test-bus",
        )
        // With DISPLAY set, libdbus would try to autolaunch a bus for the X session.
        .env_remove("DISPLAY")
        .output();
    let output = match output {
        Ok(output) => output,
        Err(err) => panic!("running the probe: {err}"),
    };
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success() && stdout.contains("PROBE-MESSAGE: no OS keychain is available"),
        "probe failed ({}):\n{stdout}\n{stderr}",
        output.status
    );
}
