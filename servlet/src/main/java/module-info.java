/** postcall's servlet filter and servlet: the verified request path. */
module dev.postcall.servlet {
    requires transitive dev.postcall.core;
    requires transitive jakarta.servlet;
    requires java.logging;
    requires java.naming;

    exports dev.postcall.servlet;

    uses dev.postcall.spi.PostCallEventHandler;
}
