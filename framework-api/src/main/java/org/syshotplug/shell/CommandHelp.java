package org.syshotplug.shell;

import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Help text generated from a Gogo command's own descriptors ({@code @Descriptor} on the method and
 * its parameters, {@code @Parameter} for options), so {@code hotplug:X --help}, {@code help
 * hotplug:X} and the one-line list of {@code help} say the same thing and cannot drift from the
 * code. The annotations are read by name: this package needs no Gogo at compile or run time.
 */
public final class CommandHelp {

    private static final String DESCRIPTOR = "org.apache.felix.service.command.Descriptor";
    private static final String PARAMETER = "org.apache.felix.service.command.Parameter";
    private static final String SESSION = "org.apache.felix.service.command.CommandSession";
    /** Gogo's {@code Parameter.UNSPECIFIED}: a presentValue of this marks an option that takes a value. */
    private static final String UNSPECIFIED = "org.apache.felix.service.command.unspecified.parameter";

    /** An option of a command, as its {@code @Parameter} declares it. */
    public record Option(List<String> names, boolean takesValue, String description) {
    }

    private CommandHelp() {
    }

    /** The first line of the function's {@code @Descriptor}, or empty. */
    public static String summary(Class<?> type, String function) {
        return methods(type, function).stream().map(m -> descriptor(m.getAnnotations()))
                .filter(d -> !d.isEmpty()).findFirst().map(d -> d.lines().findFirst().orElse("")).orElse("");
    }

    /** The options of every method of that name, in declaration order, for completion and help. */
    public static List<Option> options(Class<?> type, String function) {
        List<Option> out = new ArrayList<>();
        for (Method m : methods(type, function)) {
            for (Annotation[] annotations : m.getParameterAnnotations()) {
                option(annotations).filter(o -> out.stream().noneMatch(x -> x.names().equals(o.names())))
                        .ifPresent(out::add);
            }
        }
        return out;
    }

    /** The full help of {@code scope:function}: what it does, usage, options and arguments. */
    public static String render(Class<?> type, String scope, String function) {
        List<Method> methods = methods(type, function);
        if (methods.isEmpty()) {
            throw new IllegalArgumentException("no command " + scope + ":" + function);
        }
        StringBuilder b = new StringBuilder();
        for (Method m : methods) {
            if (b.length() > 0) {
                b.append('\n');
            }
            render(b, m, scope + ":" + function);
        }
        return b.toString();
    }

    private static void render(StringBuilder b, Method m, String name) {
        String what = descriptor(m.getAnnotations());
        b.append(name).append(what.isEmpty() ? "" : " - " + what).append('\n');
        List<Option> options = new ArrayList<>();
        List<String[]> arguments = new ArrayList<>();
        Class<?>[] types = m.getParameterTypes();
        Annotation[][] annotations = m.getParameterAnnotations();
        for (int i = 0; i < types.length; i++) {
            if (types[i].getName().equals(SESSION)) {
                continue;
            }
            Optional<Option> option = option(annotations[i]);
            if (option.isPresent()) {
                options.add(option.get());
            } else {
                boolean many = types[i].isArray() || List.class.isAssignableFrom(types[i]) || (m.isVarArgs() && i == types.length - 1);
                String argName = argumentName(descriptor(annotations[i]), types[i]) + (many ? "..." : "");
                arguments.add(new String[] {argName, descriptor(annotations[i])});
            }
        }
        StringBuilder usage = new StringBuilder("Usage: ").append(name);
        if (!options.isEmpty()) {
            usage.append(" [OPTIONS]");
        }
        arguments.forEach(a -> usage.append(' ').append(a[0]));
        b.append(usage).append('\n');
        if (!options.isEmpty()) {
            b.append("Options:\n");
            List<String> left = options.stream().map(o -> String.join(", ", o.names()) + (o.takesValue() ? " VALUE" : ""))
                    .toList();
            int width = left.stream().mapToInt(String::length).max().orElse(0);
            for (int i = 0; i < options.size(); i++) {
                b.append("  ").append(left.get(i)).append(" ".repeat(width - left.get(i).length() + 3))
                        .append(options.get(i).description()).append('\n');
            }
        }
        if (!arguments.isEmpty()) {
            b.append("Arguments:\n");
            int width = arguments.stream().mapToInt(a -> a[0].length()).max().orElse(0);
            for (String[] a : arguments) {
                b.append("  ").append(a[0]).append(" ".repeat(width - a[0].length() + 3)).append(a[1]).append('\n');
            }
        }
    }

    /** A short upper-case name for an argument: the descriptor's first word if it is one, else its type. */
    private static String argumentName(String descriptor, Class<?> type) {
        String first = descriptor.split("[\\s,:;(]", 2)[0];
        if (first.matches("[a-z][a-z-]{1,15}") && !List.of("the", "a", "an", "one", "which", "how").contains(first)) {
            return first.toUpperCase(Locale.ROOT);
        }
        Class<?> t = type.isArray() ? type.getComponentType() : type;
        return t.getSimpleName().toUpperCase(Locale.ROOT);
    }

    /** Gogo binds a function name to every public method of that name, ignoring case, or to get/is/set + name. */
    static List<Method> methods(Class<?> type, String function) {
        String f = function.toLowerCase(Locale.ROOT);
        return Arrays.stream(type.getMethods())
                .filter(m -> m.getDeclaringClass() != Object.class)
                .filter(m -> {
                    String n = m.getName().toLowerCase(Locale.ROOT);
                    return n.equals(f) || n.equals("get" + f) || n.equals("is" + f) || n.equals("_" + f);
                })
                .sorted(Comparator.comparingInt(Method::getParameterCount))
                .toList();
    }

    private static Optional<Option> option(Annotation[] annotations) {
        for (Annotation a : annotations) {
            if (a.annotationType().getName().equals(PARAMETER)) {
                if (!(value(a, "names") instanceof String[] names) || names.length == 0) {
                    return Optional.empty();
                }
                Object present = value(a, "presentValue");
                return Optional.of(new Option(List.of(names), UNSPECIFIED.equals(present), descriptor(annotations)));
            }
        }
        return Optional.empty();
    }

    private static String descriptor(Annotation[] annotations) {
        for (Annotation a : annotations) {
            if (a.annotationType().getName().equals(DESCRIPTOR)) {
                Object v = value(a, "value");
                return v == null ? "" : v.toString();
            }
        }
        return "";
    }

    private static Object value(Annotation a, String element) {
        try {
            Method m = a.annotationType().getMethod(element);
            m.setAccessible(true);
            return m.invoke(a);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }
}
