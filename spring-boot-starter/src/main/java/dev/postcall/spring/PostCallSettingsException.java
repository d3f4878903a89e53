package dev.postcall.spring;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The {@code postcall.*} settings cannot work: thrown while the web server starts, so the application does not start
 * half-protected. The message lists every problem with its fix: those of the Spring configuration first, then the
 * filter's and the servlet's own messages, exactly as they would report a {@code web.xml}. Never holds a secret.
 * {@link PostCallFailureAnalyzer} shows it as Spring Boot's "APPLICATION FAILED TO START".
 */
final class PostCallSettingsException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * @param settingProblems   one line each, problems of the Spring configuration itself
     * @param componentMessages the messages the filter and the servlet failed their {@code init} with
     */
    PostCallSettingsException(List<String> settingProblems, List<String> componentMessages) {
        super(message(settingProblems, componentMessages), null, false, false);
    }

    private static String message(List<String> settingProblems, List<String> componentMessages) {
        List<String> blocks = new ArrayList<>();
        if (!settingProblems.isEmpty()) {
            StringBuilder block = new StringBuilder("postcall is not configured correctly (")
                    .append(settingProblems.size()).append(settingProblems.size() == 1 ? " problem):" : " problems):");
            for (String problem : settingProblems) {
                block.append("\n - ").append(problem);
            }
            blocks.add(block.toString());
        }
        blocks.addAll(componentMessages);
        return String.join("\n", blocks);
    }

    /**
     * The settings the message is about, in order, by the name the message gives them (a filter's or servlet's
     * init-param, a key of {@link PostCallProperties#NAMES}): those a problem line starts with ({@code " - tolerance:
     * ..."}, {@code " - postcall.path: ..."}, {@code " - postcall.inbox.store: ..."}) and those a one-problem message
     * names first ({@code "... correctly: inbox-dir /x cannot be used"}, {@code "... correctly: inbox=datasource
     * cannot be used"}).
     */
    List<String> settingsNamed() {
        List<String> named = new ArrayList<>();
        String message = getMessage();
        for (int at = 0; at < message.length(); at++) {
            boolean subject = message.startsWith("- ", at) || message.startsWith(": ", at);
            if (!subject) {
                continue;
            }
            int start = at + 2;
            boolean property = message.startsWith("postcall.", start);
            if (property) {
                start += "postcall.".length();
            }
            for (Map.Entry<String, String> setting : PostCallProperties.NAMES.entrySet()) {
                String name = property ? setting.getValue() : setting.getKey();
                int end = start + name.length();
                if (message.startsWith(name, start) && (end == message.length() || message.charAt(end) == ':'
                        || message.charAt(end) == ' ' || message.charAt(end) == '=')
                        && !named.contains(setting.getKey())) {
                    named.add(setting.getKey());
                }
            }
        }
        return named;
    }
}
