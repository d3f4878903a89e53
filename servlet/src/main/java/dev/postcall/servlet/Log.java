package dev.postcall.servlet;

/** The package's one logger. Nothing logged here holds a secret, a signature or payload text. */
final class Log {
    static final System.Logger LOGGER = System.getLogger("dev.postcall.servlet");

    private Log() {
    }
}
