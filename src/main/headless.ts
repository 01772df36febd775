// Headless host: being written.
