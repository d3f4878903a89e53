package dev.postcall.internal.cli;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The {@code postcall} command line: {@code java -jar postcall-cli.jar <command> [options]}.
 *
 * <pre>
 * export ELEVENLABS_WEBHOOK_SECRET=…   # or --secret-file PATH; never the secret itself on the command line
 * java -jar core/target/postcall-cli.jar send --url http://localhost:8080/app/elevenlabs/webhook transcription
 * java -jar core/target/postcall-cli.jar send --secret-file /run/secrets/webhook --url … --chunked ./delivery.json
 * java -jar core/target/postcall-cli.jar replay --inbox /var/lib/app/inbox --url …
 * POSTCALL_JDBC_USER=app POSTCALL_JDBC_PASSWORD=… java -cp core/target/postcall-cli.jar:postgresql.jar \
 *     dev.postcall.internal.cli.Main replay --jdbc-url jdbc:postgresql://db:5432/app --url …
 * java -jar core/target/postcall-cli.jar --help
 * </pre>
 *
 * Exit codes: 0 the receiver answered 200; 1 it answered something else; 2 the command line is wrong;
 * 3 the request could not be sent (or the store could not be read).
 */
public final class Main {
    static final int OK = 0;
    static final int NOT_ACCEPTED = 1;
    static final int USAGE = 2;
    static final int UNREACHABLE = 3;

    private static final List<Command> COMMANDS = List.of(new SendCommand(), new ReplayCommand());

    private Main() {
    }

    /**
     * Runs a command and exits with its code.
     *
     * @param args the command and its options; {@code --help} lists them
     */
    public static void main(String[] args) {
        System.exit(run(Arrays.asList(args), new Terminal(System.out, System.err, System.getenv())));
    }

    static int run(List<String> args, Terminal terminal) {
        if (args.isEmpty() || args.get(0).equals("--help") || args.get(0).equals("-h") || args.get(0).equals("help")) {
            printUsage(args.isEmpty() ? terminal.err() : terminal.out());
            return args.isEmpty() ? USAGE : OK;
        }
        String name = args.get(0);
        for (Command command : COMMANDS) {
            if (command.name().equals(name)) {
                List<String> rest = args.subList(1, args.size());
                if (rest.contains("--help") || rest.contains("-h")) {
                    terminal.out().println(command.usage());
                    return OK;
                }
                try {
                    return command.run(rest, terminal);
                } catch (UsageException e) {
                    terminal.err().println("postcall " + name + ": " + e.getMessage());
                    terminal.err().println(command.usage());
                    return USAGE;
                }
            }
        }
        terminal.err().println("postcall: unknown command '" + name + "'");
        printUsage(terminal.err());
        return USAGE;
    }

    private static void printUsage(PrintStream out) {
        out.println("usage: java -jar postcall-cli.jar <command> [options]");
        out.println();
        for (Command command : COMMANDS) {
            out.println(command.usage());
            out.println();
        }
        out.println("exit codes: 0 answered 200, 1 answered something else, 2 bad command line, 3 could not send"
                + " (or read the store)");
    }

    /** Where a command writes, and the environment it reads. */
    record Terminal(PrintStream out, PrintStream err, Map<String, String> env) {
    }

    /** One sub-command: {@code send} or {@code replay}. */
    interface Command {
        String name();

        /** Synopsis and options, several lines. */
        String usage();

        int run(List<String> args, Terminal terminal) throws UsageException;
    }

    /**
     * An argument as a usage error may quote it: a {@code name=value}'s name without its value, which may be a secret
     * under a guessed option name.
     */
    static String withoutValue(String arg) {
        int equals = arg.indexOf('=');
        return equals >= 0 ? arg.substring(0, equals) + "=..." : arg;
    }

    /** A command line that cannot be run; the message says what to fix. */
    static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }
}
