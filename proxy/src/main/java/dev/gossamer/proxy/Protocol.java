package dev.gossamer.proxy;

/** The protocol a cluster's endpoints speak. */
public enum Protocol {
    /** HTTP/1.1 with keep-alive. */
    HTTP1,
    /** HTTP/2 over cleartext with prior knowledge (h2c, no upgrade). */
    HTTP2
}
