//! Long work driven on a thread of its own. The pipeline's stages and the automation runner
//! nest large futures (a stage's items side by side, each an article's parts): in a debug build
//! polling them overflows an ordinary 2 MiB thread stack, and they are not `Send` (the
//! clustering stream's closures), so no runtime task can take them. Driven here with the
//! runtime's handle on a thread with a deep stack, the caller's future is small and `Send`:
//! the app's commands, the CLI and tests simply await it.

use crate::CoreError;
use std::future::Future;

/// The stack such a thread gets (only what it touches is ever allocated).
const STACK_BYTES: usize = 64 * 1024 * 1024;

/// Run `work` to its end on a thread named `name` and hand back its outcome. The work goes on
/// if the caller stops waiting; it stops through its job's cancel, like any job.
pub(crate) async fn run<T, F, Fut>(name: &str, work: F) -> Result<T, CoreError>
where
    T: Send + 'static,
    F: FnOnce() -> Fut + Send + 'static,
    Fut: Future<Output = Result<T, CoreError>>,
{
    let runtime = tokio::runtime::Handle::current();
    let (done, outcome) = tokio::sync::oneshot::channel();
    std::thread::Builder::new()
        .name(name.to_owned())
        .stack_size(STACK_BYTES)
        .spawn(move || {
            let _ = done.send(runtime.block_on(Box::pin(work())));
        })
        .map_err(|e| CoreError::Internal(format!("starting {name}: {e}")))?;
    outcome
        .await
        .map_err(|_| CoreError::Internal(format!("{name} ended without an outcome")))?
}
