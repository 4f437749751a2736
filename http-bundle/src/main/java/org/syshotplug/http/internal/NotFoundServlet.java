package org.syshotplug.http.internal;

import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.osgi.service.component.annotations.Component;

/** The default servlet: any path no resource claims is a 404 problem document (after authentication). */
@Component(service = Servlet.class, property = {
        "osgi.http.whiteboard.servlet.pattern=/",
        "osgi.http.whiteboard.servlet.name=syshotplug-not-found"})
public class NotFoundServlet extends ApiServlet {

    private static final long serialVersionUID = 1L;

    @Override
    void handle(HttpServletRequest request, HttpServletResponse response, String method, String path) {
        throw ApiProblem.notFound("no resource at " + RequestDecoder.printable(request.getRequestURI())
                + "; the API is under /api/v1 (description: /api/v1/openapi.json) and /redfish/v1");
    }

    @Override
    String allowed(String path) {
        return "";
    }
}
