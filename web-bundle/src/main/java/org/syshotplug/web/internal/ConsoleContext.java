package org.syshotplug.web.internal;

import java.net.URL;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.servlet.context.ServletContextHelper;

/**
 * The console's own servlet context at {@code /console}: the page's files are public (they hold no
 * data and no secret), and the API's authentication filter, registered on the default context,
 * does not stand in front of them. Everything the page shows it fetches from {@code /api/v1} with
 * the user's credentials, so the API alone decides what a user may see and do.
 */
@Component(service = ServletContextHelper.class, property = {
        "osgi.http.whiteboard.context.name=" + ConsoleContext.NAME,
        "osgi.http.whiteboard.context.path=/console"})
public class ConsoleContext extends ServletContextHelper {

    static final String NAME = "syshotplug-console";
    static final String SELECT = "osgi.http.whiteboard.context.select=(osgi.http.whiteboard.context.name=" + NAME + ")";

    @Activate
    public ConsoleContext(BundleContext context) {
        super(context.getBundle());
    }

    /** A folder (the context root) is its index.html. */
    @Override
    public URL getResource(String name) {
        return super.getResource(name.endsWith("/") ? name + "index.html" : name);
    }

    /** ES modules load only with a JavaScript type: say it here rather than trust a container table. */
    @Override
    public String getMimeType(String name) {
        String n = name.toLowerCase(java.util.Locale.ROOT);
        if (n.endsWith(".js")) {
            return "text/javascript";
        }
        if (n.endsWith(".css")) {
            return "text/css";
        }
        if (n.endsWith(".html") || n.endsWith("/")) {
            return "text/html";
        }
        if (n.endsWith(".svg")) {
            return "image/svg+xml";
        }
        return null;
    }

    @Override
    public boolean handleSecurity(HttpServletRequest request, HttpServletResponse response) {
        // Only the page's own files and the same-origin API: no inline script, no framing, no sniffing.
        response.setHeader("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; frame-ancestors 'none';"
                + " base-uri 'none'; form-action 'none'");
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setHeader("Referrer-Policy", "no-referrer");
        response.setHeader("Cache-Control", "no-cache");
        return true;
    }
}
