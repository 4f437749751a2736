package org.syshotplug.rtas.internal.dlpar;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import org.syshotplug.api.Errno;

/**
 * The grammar of {@code /sys/kernel/dlpar}, token for token as the kernel's {@code dlpar_store}
 * parses it (arch/powerpc/platforms/pseries/dlpar.c):
 *
 * <pre>
 * resource SP action SP id_type SP id...
 * resource := memory | cpu | dt          (dt only from the v6.12 cycle on)
 * action   := add | remove
 * id_type  := index u32 | count u32 | indexed-count u32-count u32-index
 * </pre>
 *
 * Tokens are cut with {@code strsep(" ")}: exactly one space separates them, so two spaces make an
 * empty token and a tab is part of a token. Words compare with {@code sysfs_streq}: exact and
 * case-sensitive, one trailing newline ignored. Numbers are {@code kstrtou32(.., 0, ..)} (see
 * {@link KernelNumber}). Tokens after the last number are ignored, as the kernel ignores them.
 * Every failure answers EINVAL, as the kernel's parser does.
 *
 * <p>The {@link #extended()} grammar adds, as a documented extension, the id type
 * {@code drc-name "CPU 3"} (the form a firmware error log carries; a name without spaces may go
 * unquoted). CPU by count parses in every grammar, as in the kernel; whether it can run is the
 * resource handler's business ({@link DlparCommand#kernelRefusal()}).
 */
public final class DlparGrammar {
    private static final String DRC_NAME = DlparIdType.DRC_NAME.word();

    private final List<DlparResource> resources;
    private final boolean drcNames;

    private DlparGrammar(List<DlparResource> resources, boolean drcNames) {
        this.resources = List.copyOf(resources);
        this.drcNames = drcNames;
    }

    /** Linux 6.1 (the Debian bookworm kernel the differential run boots): {@code memory,cpu}. */
    public static DlparGrammar linux61() {
        return new DlparGrammar(List.of(DlparResource.MEMORY, DlparResource.CPU), false);
    }

    /** Current mainline: {@code memory,cpu,dt}. */
    public static DlparGrammar mainline() {
        return new DlparGrammar(List.of(DlparResource.MEMORY, DlparResource.CPU, DlparResource.DT), false);
    }

    /** Mainline plus the {@code drc-name} id type: what {@code hotplug:dlpar} accepts. */
    public static DlparGrammar extended() {
        return new DlparGrammar(List.of(DlparResource.MEMORY, DlparResource.CPU, DlparResource.DT), true);
    }

    /** The resource words, as the kernel lists them when {@code /sys/kernel/dlpar} is read. */
    public Set<String> resourceWords() {
        return resources.stream().map(DlparResource::word).collect(Collectors.toCollection(java.util.LinkedHashSet::new));
    }

    /**
     * Parses one request string.
     *
     * @throws DlparSyntaxException naming the bad token, what is allowed, and the kernel's answer
     */
    public DlparCommand parse(String input) {
        if (input == null) {
            throw new DlparSyntaxException("no DLPAR request given: expected '<resource> <action> <id_type> <id>'",
                    Errno.EINVAL, null, 0, null);
        }
        Tokens t = new Tokens(input);

        String word = t.next();
        DlparResource resource = null;
        for (DlparResource r : resources) {
            if (streq(word, r.word())) {
                resource = r;
            }
        }
        if (resource == null) {
            throw t.bad("resource", "one of " + String.join(", ", resourceWords()), "Invalid resource specified.");
        }

        word = t.next();
        if (word == null) {
            throw t.missing("action", "add or remove", null);
        }
        DlparAction action = streq(word, "add") ? DlparAction.ADD : streq(word, "remove") ? DlparAction.REMOVE : null;
        if (action == null) {
            throw t.bad("action", "add or remove", "Invalid action specified.");
        }

        word = t.next();
        String idTypes = "index, count or indexed-count" + (drcNames ? " or drc-name" : "");
        if (word == null) {
            throw t.missing("id type", idTypes, null);
        }
        if (streq(word, "indexed-count")) {
            long count = t.number("DRC count", "No DRC count specified.", "Invalid DRC count specified.");
            long index = t.number("DRC index", "No DRC Index specified.", "Invalid DRC Index specified.");
            return DlparCommand.byIndexedCount(resource, action, count, index);
        }
        if (streq(word, "index")) {
            return DlparCommand.byIndex(resource, action,
                    t.number("DRC index", "No DRC Index specified.", "Invalid DRC Index specified."));
        }
        if (streq(word, "count")) {
            return DlparCommand.byCount(resource, action,
                    t.number("DRC count", "No DRC count specified.", "Invalid DRC count specified."));
        }
        if (drcNames && streq(word, DRC_NAME)) {
            return DlparCommand.byName(resource, action, t.drcName());
        }
        throw t.bad("id type", idTypes, "Invalid id_type specified.");
    }

    /** The kernel's {@code sysfs_streq}: equal, except that one trailing newline on the token is ignored. */
    static boolean streq(String token, String word) {
        return token != null && (token.equals(word) || token.equals(word + "\n"));
    }

    /** The input cut as {@code strsep(&cmd, " ")} cuts it, one token at a time. */
    private static final class Tokens {
        private final String input;
        private final List<String> parts = new ArrayList<>();
        private int next;
        private int offset;

        Tokens(String input) {
            this.input = input;
            int start = 0;
            for (int i = 0; i <= input.length(); i++) {
                if (i == input.length() || input.charAt(i) == ' ') {
                    parts.add(input.substring(start, i));
                    start = i + 1;
                }
            }
        }

        String next() {
            if (next >= parts.size()) {
                next++;
                return null;
            }
            String token = parts.get(next++);
            offset = next == 1 ? 0 : offset + parts.get(next - 2).length() + 1;
            return token;
        }

        String current() {
            return next <= parts.size() ? parts.get(next - 1) : null;
        }

        long number(String what, String kernelMissing, String kernelInvalid) {
            String token = next();
            if (token == null) {
                throw missing(what, "an unsigned 32-bit number (decimal, 0x... hex or 0... octal)", kernelMissing);
            }
            try {
                return KernelNumber.parseU32(token);
            } catch (KernelNumber.NotANumber e) {
                throw bad(what, "an unsigned 32-bit number (decimal, 0x... hex or 0... octal); " + e.getMessage(),
                        kernelInvalid);
            }
        }

        /** The rest of the input after {@code drc-name }: a quoted name, or one unquoted token. */
        String drcName() {
            int start = offset + current().length() + 1;
            String rest = start <= input.length() ? input.substring(start) : "";
            if (rest.endsWith("\n")) {
                rest = rest.substring(0, rest.length() - 1);
            }
            int position = next + 1;
            String expected = "a DRC name such as \"CPU 3\" or \"LMB 16\" (quote a name that contains spaces)";
            if (rest.isEmpty()) {
                throw new DlparSyntaxException("missing DRC name after 'drc-name' (token " + position + "): expected "
                        + expected + " (the kernel has no drc-name id type: EINVAL)", Errno.EINVAL, null, position, null);
            }
            String name;
            if (rest.startsWith("\"")) {
                int close = rest.indexOf('"', 1);
                if (close < 0) {
                    throw nameError(position, rest, "the quote is not closed; expected " + expected);
                }
                name = rest.substring(1, close);
                String after = rest.substring(close + 1);
                if (!after.isEmpty()) {
                    throw nameError(position, rest, "'" + DlparSyntaxException.printable(after)
                            + "' follows the closing quote; expected nothing after a DRC name");
                }
            } else {
                int space = rest.indexOf(' ');
                if (space >= 0) {
                    throw nameError(position, rest, "'" + DlparSyntaxException.printable(rest.substring(0, space))
                            + "' is followed by '" + DlparSyntaxException.printable(rest.substring(space + 1))
                            + "'; expected one name: quote a name that contains spaces, e.g. drc-name \""
                            + DlparSyntaxException.printable(rest) + "\"");
                }
                name = rest;
            }
            if (!DlparCommand.NAME.matcher(name).matches()) {
                throw nameError(position, rest, DlparCommand.NAME_RULE);
            }
            return name;
        }

        private DlparSyntaxException nameError(int position, String rest, String why) {
            return new DlparSyntaxException("invalid DRC name '" + DlparSyntaxException.printable(rest) + "' (token "
                    + position + "): " + why, Errno.EINVAL, null, position, rest);
        }

        DlparSyntaxException bad(String what, String expected, String kernelMessage) {
            String token = current();
            String hint = "";
            if (token.isEmpty()) {
                hint = " (an empty token: tokens are separated by exactly one space)";
            } else if (token.indexOf('\t') >= 0) {
                hint = " (a tab is not a separator: tokens are separated by exactly one space)";
            } else if (!token.equals(token.toLowerCase(java.util.Locale.ROOT)) && !what.startsWith("DRC")) {
                hint = " (words are case-sensitive)";
            }
            return new DlparSyntaxException("invalid " + what + " '" + DlparSyntaxException.printable(token) + "' (token "
                    + next + ")" + hint + ": expected " + expected + kernelSays(kernelMessage),
                    Errno.EINVAL, kernelMessage, next, token);
        }

        DlparSyntaxException missing(String what, String expected, String kernelMessage) {
            return new DlparSyntaxException("missing " + what + " (token " + next + ") in '"
                    + DlparSyntaxException.printable(input) + "': expected " + expected + kernelSays(kernelMessage),
                    Errno.EINVAL, kernelMessage, next, null);
        }

        private static String kernelSays(String kernelMessage) {
            return kernelMessage == null ? " (the kernel answers EINVAL)"
                    : " (the kernel answers EINVAL: \"" + kernelMessage + "\")";
        }
    }
}
