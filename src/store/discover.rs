//! Finding and opening the store: the one named by `--store` (or
//! `BATON_STORE`), or the one found by walking up from the current folder.

use std::path::Path;

use super::{CONFIG_FILE, STORE_DIR, Store};
use crate::error::{Error, Result};

impl Store {
    /// Opens the store at `dir`, which must hold a `baton.toml`.
    pub fn open(dir: &Path, cwd: &Path) -> Result<Store> {
        let store = Store::at(dir, cwd);
        if !store.config_path().is_file() {
            return Err(Error::new(format!(
                "no baton store at {} (no {CONFIG_FILE} there)",
                store.shown.display()
            ))
            .hint("run 'baton init' to create one, or point --store at the tickets folder"));
        }
        Ok(store)
    }

    /// Finds the store by walking up from `cwd`: a `tickets/` folder with a
    /// config, or the current folder itself when it is such a `tickets/`.
    pub fn discover(cwd: &Path) -> Result<Store> {
        for folder in cwd.ancestors() {
            if folder.file_name().is_some_and(|n| n == STORE_DIR)
                && folder.join(CONFIG_FILE).is_file()
            {
                return Ok(Store::at(folder, cwd));
            }
            let candidate = folder.join(STORE_DIR);
            if candidate.join(CONFIG_FILE).is_file() {
                return Ok(Store::at(&candidate, cwd));
            }
        }
        Err(Error::new(format!(
            "no baton store in {} or any folder above it",
            cwd.display()
        ))
        .hint("run 'baton init' to create one here, or pass --store DIR"))
    }
}
