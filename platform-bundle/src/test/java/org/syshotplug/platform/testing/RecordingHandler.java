package org.syshotplug.platform.testing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.syshotplug.spi.HandlerContext;
import org.syshotplug.spi.HotplugException;
import org.syshotplug.spi.HotplugHandler;

/** An application-band handler that records its calls, and fails its execute when told to. */
public final class RecordingHandler implements HotplugHandler {

    public final List<String> calls = new CopyOnWriteArrayList<>();
    private final HotplugException failure;

    public RecordingHandler(HotplugException failure) {
        this.failure = failure;
    }

    public RecordingHandler() {
        this(null);
    }

    @Override
    public void handle(HandlerContext context) throws HotplugException {
        calls.add(context.phase().word());
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public void rollback(HandlerContext context) {
        calls.add("rollback");
    }
}
