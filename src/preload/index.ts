// Preload: written by the shell work.
