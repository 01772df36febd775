// Electron entry: written by the shell work (see src/main/shell/).
