//! What Ctrl-C does while baton talks to a person.
//!
//! A choice or a confirmation hides the cursor while it waits for a key; when
//! the person presses Ctrl-C there, the terminal library re-raises SIGINT and
//! the process ends with the cursor still hidden. While an editor runs, Ctrl-C
//! belongs to the editor (as in git): baton must not end underneath it.

/// From now on, Ctrl-C shows the cursor again before baton ends (exit 130,
/// as a shell reports an interrupt). Nothing was written yet when a question
/// is being asked, so there is nothing to undo.
pub fn restore_cursor_on_interrupt() {
    #[cfg(unix)]
    unix::restore_cursor_on_interrupt();
}

/// Runs `f` (which waits for a child such as the editor) with Ctrl-C left to
/// that child.
pub fn leave_to_child<T>(f: impl FnOnce() -> T) -> T {
    #[cfg(unix)]
    {
        unix::leave_to_child(f)
    }
    #[cfg(not(unix))]
    {
        f()
    }
}

#[cfg(unix)]
mod unix {
    extern "C" fn on_interrupt(_: libc::c_int) {
        const SHOW_CURSOR: &[u8] = b"\x1b[?25h\n";
        // SAFETY: write(2) and _exit(2) are async-signal-safe; the buffer is static.
        unsafe {
            libc::write(2, SHOW_CURSOR.as_ptr().cast(), SHOW_CURSOR.len());
            libc::_exit(130);
        }
    }

    pub fn restore_cursor_on_interrupt() {
        let handler: extern "C" fn(libc::c_int) = on_interrupt;
        // SAFETY: installs a handler that only calls async-signal-safe functions.
        unsafe {
            libc::signal(libc::SIGINT, handler as libc::sighandler_t);
        }
    }

    pub fn leave_to_child<T>(f: impl FnOnce() -> T) -> T {
        // SAFETY: swaps the disposition of SIGINT and puts the old one back.
        // The child was already started, so it keeps the default (an ignored
        // signal would be inherited).
        let previous = unsafe { libc::signal(libc::SIGINT, libc::SIG_IGN) };
        let out = f();
        unsafe {
            libc::signal(libc::SIGINT, previous);
        }
        out
    }
}
