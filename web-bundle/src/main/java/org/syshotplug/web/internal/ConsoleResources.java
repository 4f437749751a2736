package org.syshotplug.web.internal;

import org.osgi.service.component.annotations.Component;

/**
 * The page's static files (bundle folder {@code /web}) as whiteboard resources of the console
 * context: served by Felix HTTP's own resource servlet, no code of ours in the request path.
 */
@Component(service = ConsoleResources.class, property = {
        "osgi.http.whiteboard.resource.pattern=/*",
        "osgi.http.whiteboard.resource.prefix=/web",
        ConsoleContext.SELECT})
public class ConsoleResources {
}
