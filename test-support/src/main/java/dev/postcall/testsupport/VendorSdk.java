package dev.postcall.testsupport;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.opentest4j.TestAbortedException;

/**
 * The vendor's official JavaScript SDK ({@code @elevenlabs/elevenlabs-js}), installed with npm into a test's temporary
 * folder, and node to run a script against it. When npm or node is missing, or the registry cannot be reached, the
 * test is skipped with a banner naming the fix, or fails when the build requires the check
 * ({@code -Dpostcall.requireNpm=true}, which {@code .ci/run} sets).
 *
 * <pre>{@code
 * String node = VendorSdk.install(dir, "the stand-in was NOT checked against the SDK's types");
 * int exit = VendorSdk.run(dir, dir.resolve("node.log"), 120, node, script.toString(), ...);
 * }</pre>
 */
public final class VendorSdk {

    /** The SDK version checked; {@code -Dpostcall.vendorSdkVersion=…} tries another. */
    public static final String VERSION = System.getProperty("postcall.vendorSdkVersion", "2.73.0");

    private VendorSdk() {
    }

    /**
     * Installs the SDK into {@code dir/node_modules}.
     *
     * @param unchecked what goes unchecked when the test is skipped, for the banner
     * @return the node executable
     * @throws TestAbortedException when npm, node or the registry is missing (and the check is not required)
     */
    public static String install(Path dir, String unchecked) throws IOException, InterruptedException {
        String npm = onPath("npm", "npm.cmd");
        String node = onPath("node", "node.exe");
        if (npm == null || node == null) {
            skipLoudly(unchecked, "npm or node is not on the PATH");
        }
        Path log = dir.resolve("npm.log");
        int npmExit = run(dir, log, 240, npm, "install", "--no-audit", "--no-fund", "--prefix", dir.toString(),
                "@elevenlabs/elevenlabs-js@" + VERSION);
        if (npmExit != 0 || !Files.isDirectory(dir.resolve("node_modules/@elevenlabs/elevenlabs-js"))) {
            skipLoudly(unchecked, "npm install @elevenlabs/elevenlabs-js@" + VERSION + " failed (exit " + npmExit
                    + "); last output:\n" + tail(log));
        }
        return node;
    }

    /** Runs {@code command} in {@code workDir}, its output into {@code log}; the exit code, or -1 after the timeout. */
    public static int run(Path workDir, Path log, int timeoutSeconds, String... command)
            throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).directory(workDir.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return -1;
        }
        return p.exitValue();
    }

    /** The last 15 lines of a log, for a failure message. */
    public static String tail(Path log) throws IOException {
        if (!Files.exists(log)) {
            return "(no output)";
        }
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
    }

    private static String onPath(String... names) {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String entry : path.split(File.pathSeparator)) {
            for (String name : names) {
                File f = new File(entry, name);
                if (f.isFile() && f.canExecute()) {
                    return f.getAbsolutePath();
                }
            }
        }
        return null;
    }

    private static void skipLoudly(String unchecked, String why) {
        String fix = "install Node.js and npm (Debian: apt-get install nodejs npm) and let npm reach its registry";
        if (Boolean.getBoolean("postcall.requireNpm")) {
            throw new AssertionError("vendor SDK cross-check required (-Dpostcall.requireNpm=true) but " + why
                    + "; " + fix);
        }
        String banner = "!".repeat(100);
        System.err.println(banner);
        System.err.println("!!! [WARNING] VENDOR SDK CROSS-CHECK SKIPPED: " + unchecked);
        System.err.println("!!! " + why.replace("\n", "\n!!! "));
        System.err.println("!!! to run it: " + fix);
        System.err.println(banner);
        throw new TestAbortedException("vendor SDK cross-check skipped: " + why + "; " + fix);
    }
}
