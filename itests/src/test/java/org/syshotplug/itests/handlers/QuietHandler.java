package org.syshotplug.itests.handlers;

import org.syshotplug.spi.HandlerContext;
import org.syshotplug.spi.HotplugHandler;

/** Does nothing: its step in the result (named after its component) is what a test looks at. */
public class QuietHandler implements HotplugHandler {

    @Override
    public void handle(HandlerContext context) {
        // the step record is the observable effect
    }
}
