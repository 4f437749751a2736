package org.syshotplug.http.internal;

import java.io.IOException;
import java.util.List;

import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.syshotplug.api.HotplugService;

/** {@code GET /api/v1/handlers}: the chain in order, with phase, priority, bundle, calls and quarantine. */
@Component(service = Servlet.class, property = {
        "osgi.http.whiteboard.servlet.pattern=/api/v1/handlers/*",
        "osgi.http.whiteboard.servlet.name=syshotplug-handlers"})
public class HandlersServlet extends ApiServlet {

    private static final long serialVersionUID = 1L;
    private final transient HotplugService hotplug;

    @Activate
    public HandlersServlet(@Reference HotplugService hotplug) {
        this.hotplug = hotplug;
    }

    @Override
    void handle(HttpServletRequest request, HttpServletResponse response, String method, String path) throws IOException {
        if (!path.isEmpty()) {
            throw ApiProblem.notFound("no such resource: handlers are listed as one collection");
        }
        if (!method.equals("GET")) {
            throw wrongMethod(method, path);
        }
        List<Views.HandlerView> items = hotplug.handlers().stream().map(Views.HandlerView::of).toList();
        Json.write(response, 200, new Views.HandlerList(items.size(), items));
    }

    @Override
    String allowed(String path) {
        return "GET";
    }
}
