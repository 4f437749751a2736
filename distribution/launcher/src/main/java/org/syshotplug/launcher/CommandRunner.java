package org.syshotplug.launcher;

import java.io.PrintStream;
import java.lang.reflect.Method;
import java.util.List;

/**
 * Runs shell commands without a console, for scripts and tests: prints each result as the console
 * would, and turns a failure into an exit status instead of a prompt.
 */
public final class CommandRunner {

    public static final int OK = 0;
    public static final int FAILED = 1;

    private final GogoSession session;
    private final PrintStream out;
    private final PrintStream err;

    public CommandRunner(GogoSession session, PrintStream out, PrintStream err) {
        this.session = session;
        this.out = out;
        this.err = err;
    }

    /** Runs the commands in order and stops at the first that fails. */
    public int run(List<String> commands) {
        for (String command : commands) {
            int status = run(command);
            if (status != OK) {
                return status;
            }
        }
        return OK;
    }

    /**
     * Runs one command line: {@link #OK} when it returned, {@link #FAILED} when it threw (unknown
     * command, bad argument, a failure the command reports) or returned a request result that did not
     * succeed.
     */
    public int run(String command) {
        Object result;
        try {
            result = session.execute(command);
        } catch (Exception e) {
            err.println("error: " + message(e));
            return FAILED;
        }
        if (result != null) {
            out.println(session.format(result));
        }
        out.flush();
        if (isUnsuccessfulResult(result)) {
            err.println("error: request did not succeed: " + summary(result));
            return FAILED;
        }
        return OK;
    }

    /** True for a HotplugResult (or a list of them) whose {@code succeeded()} is false, whichever class loader made it. */
    static boolean isUnsuccessfulResult(Object result) {
        if (result instanceof Iterable<?> all) {
            for (Object each : all) {
                if (isUnsuccessfulResult(each)) {
                    return true;
                }
            }
            return false;
        }
        Object succeeded = call(result, "succeeded");
        return succeeded instanceof Boolean b && !b;
    }

    private static String summary(Object result) {
        Object summary = call(result, "summary");
        return summary != null ? summary.toString() : String.valueOf(result);
    }

    private static Object call(Object target, String method) {
        if (target == null) {
            return null;
        }
        try {
            Method m = target.getClass().getMethod(method);
            return m.getParameterCount() == 0 ? m.invoke(target) : null;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    private static String message(Throwable e) {
        String message = e.getMessage();
        if (message == null || message.isBlank()) {
            Throwable cause = e.getCause();
            return cause != null ? message(cause) : e.getClass().getSimpleName();
        }
        return message;
    }
}
