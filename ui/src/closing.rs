//! Closing the window without losing what is being typed. The shell holds a close request and
//! sends `window-close-requested` (`src-tauri/src/closing.rs`); the app then runs every
//! registered save — the article editor registers one while it is open, which sends what has not
//! been saved yet — and answers `window_close`.

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

/// One save on its way.
pub type Save = Pin<Box<dyn Future<Output = ()>>>;

/// A save to run before the window closes; `None` when there is nothing to save.
pub type Flush = Rc<dyn Fn() -> Option<Save>>;

thread_local! {
    static FLUSHES: RefCell<Vec<(u64, Flush)>> = const { RefCell::new(Vec::new()) };
    static NEXT: Cell<u64> = const { Cell::new(0) };
}

/// Registered while it lives (keep it in the component's effect; dropping it unregisters).
pub struct Registration(u64);

impl Drop for Registration {
    fn drop(&mut self) {
        let id = self.0;
        FLUSHES.with(|f| f.borrow_mut().retain(|(i, _)| *i != id));
    }
}

pub fn register(flush: Flush) -> Registration {
    let id = NEXT.with(|n| {
        let id = n.get();
        n.set(id + 1);
        id
    });
    FLUSHES.with(|f| f.borrow_mut().push((id, flush)));
    Registration(id)
}

/// Run every registered save and wait for them all.
pub async fn flush_all() {
    let flushes: Vec<Flush> = FLUSHES.with(|f| f.borrow().iter().map(|(_, f)| f.clone()).collect());
    let saves: Vec<_> = flushes.iter().filter_map(|f| f()).collect();
    for save in saves {
        save.await;
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn run(f: impl Future<Output = ()>) {
        // The saves here finish at their first poll (no timers): one poll runs them.
        let waker = std::task::Waker::noop();
        let mut cx = std::task::Context::from_waker(waker);
        let mut f = std::pin::pin!(f);
        assert!(f.as_mut().poll(&mut cx).is_ready());
    }

    #[test]
    fn every_registered_save_runs_and_a_dropped_registration_is_gone() {
        let ran = Rc::new(Cell::new(0));
        let save = |ran: Rc<Cell<u32>>| -> Flush {
            Rc::new(move || {
                let ran = ran.clone();
                Some(Box::pin(async move { ran.set(ran.get() + 1) }))
            })
        };
        let nothing: Flush = Rc::new(|| None);
        let a = register(save(ran.clone()));
        let b = register(save(ran.clone()));
        let c = register(nothing);
        run(flush_all());
        assert_eq!(ran.get(), 2);
        drop(b);
        run(flush_all());
        assert_eq!(ran.get(), 3, "only the save still registered ran");
        drop((a, c));
        run(flush_all());
        assert_eq!(ran.get(), 3);
    }
}
