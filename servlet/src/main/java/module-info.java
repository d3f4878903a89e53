/** postcall's servlet filter and servlet: the verified request path. */
module dev.postcall.servlet {
    requires transitive dev.postcall.core;
    requires transitive jakarta.servlet;
    // javax.cache (cache-api 1.1.1) has no module name of its own: only delivery-ledger=jcache:… needs it
    requires static cache.api;
    requires java.naming;

    exports dev.postcall.servlet;

    uses dev.postcall.spi.PostCallEventHandler;
}
