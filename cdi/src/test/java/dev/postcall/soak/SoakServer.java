package dev.postcall.soak;

import dev.postcall.cdi.e2e.WebhookStack;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The whole stack ({@link WebhookStack}: Jetty 12, Weld, filter, servlet, the CDI handler and {@link SoakObserver})
 * as a process of its own for {@code soak/soak.sh}: spilled bodies go to {@code <work>/container-tmp}, the inbox is
 * {@code <work>/inbox}; the URL is written to {@code <work>/url} once it answers. Runs until killed.
 *
 * <p>Arguments: {@code <work dir> <secret> [delivery-ledger]} ({@code memory}, the default, or {@code off}).
 */
public final class SoakServer {
    private SoakServer() {
    }

    /** Starts the server and waits forever. */
    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: SoakServer <work dir> <secret> [memory|off]");
            System.exit(2);
        }
        System.setProperty("postcall.soak", "true");
        Path work = Path.of(args[0]);
        Path temp = Files.createDirectories(work.resolve("container-tmp"));
        WebhookStack stack = WebhookStack.builder()
                .filterParam("secret", args[1])
                .filterParam("memory-threshold", "16KiB")
                .filterParam("max-body-size", "1MiB")
                .servletParam("inbox-dir", work.resolve("inbox").toString())
                .servletParam("delivery-ledger", args.length > 2 ? args[2] : "memory")
                .tempDir(temp)
                .start();
        Files.writeString(work.resolve("url"), stack.uri().toString(), StandardCharsets.UTF_8);
        System.out.println("soak server pid " + ProcessHandle.current().pid() + " at " + stack.uri());
        SoakObserver observer = stack.bean(SoakObserver.class);
        while (true) {
            Thread.sleep(60_000);
            System.out.println("observed: " + observer.counters());
        }
    }
}
