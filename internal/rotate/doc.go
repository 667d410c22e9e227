// Package rotate is a file writer that rotates by size, for operators who want the
// workers' output on disk (serve -log-dir): when the file would pass its size, it
// is renamed NAME.1 (NAME.1 becomes NAME.2, and so on, the oldest removed) and a
// new one is started. Writes are whole: a write never splits across two files.
package rotate
