package org.syshotplug.launcher;

import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;

/**
 * A Gogo {@code CommandSession} driven from outside the framework. The Gogo API lives in the
 * gogo.runtime bundle, not on the launcher's class path, so the calls go through the interface
 * methods loaded from that bundle.
 */
public final class GogoSession implements AutoCloseable {

    static final String COMMAND_PROCESSOR = "org.apache.felix.service.command.CommandProcessor";
    private static final String COMMAND_SESSION = "org.apache.felix.service.command.CommandSession";
    /** {@code Converter.INSPECT}: the full, multi-line rendering the console prints. */
    private static final int INSPECT = 0;

    private final BundleContext context;
    private final ServiceReference<?> processorRef;
    private final Object session;
    private final Method execute;
    private final Method format;
    private final Method close;

    private GogoSession(BundleContext context, ServiceReference<?> processorRef, Object session, Class<?> sessionType)
            throws NoSuchMethodException {
        this.context = context;
        this.processorRef = processorRef;
        this.session = session;
        this.execute = sessionType.getMethod("execute", CharSequence.class);
        this.format = sessionType.getMethod("format", Object.class, int.class);
        this.close = sessionType.getMethod("close");
    }

    static GogoSession open(BundleContext context, ServiceReference<?> ref, InputStream in, PrintStream out, PrintStream err)
            throws LaunchException {
        if (ref == null) {
            throw new LaunchException("the Gogo command processor is not registered: is org.apache.felix.gogo.runtime active?");
        }
        Object processor = context.getService(ref);
        try {
            Bundle gogo = ref.getBundle();
            Class<?> processorType = gogo.loadClass(COMMAND_PROCESSOR);
            Class<?> sessionType = gogo.loadClass(COMMAND_SESSION);
            Object session = processorType.getMethod("createSession", InputStream.class, OutputStream.class, OutputStream.class)
                    .invoke(processor, in, out, err);
            return new GogoSession(context, ref, session, sessionType);
        } catch (ReflectiveOperationException e) {
            context.ungetService(ref);
            throw new LaunchException("unsupported Gogo runtime: " + e, e);
        }
    }

    /**
     * Runs one command line.
     *
     * @return the command's result (null for none)
     * @throws Exception what the command threw (a bad command, bad arguments, a failure it reports)
     */
    public Object execute(String commandLine) throws Exception {
        try {
            return execute.invoke(session, commandLine);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof Exception ex) {
                throw ex;
            }
            throw new IllegalStateException(cause);
        }
    }

    /** The result as the console would print it. */
    public String format(Object result) {
        try {
            return String.valueOf(format.invoke(session, result, INSPECT));
        } catch (ReflectiveOperationException e) {
            return String.valueOf(result);
        }
    }

    @Override
    public void close() {
        try {
            close.invoke(session);
        } catch (ReflectiveOperationException e) {
            // a session that cannot close has nothing left to release
        } finally {
            try {
                context.ungetService(processorRef);
            } catch (IllegalStateException e) {
                // the framework is already stopping
            }
        }
    }
}
