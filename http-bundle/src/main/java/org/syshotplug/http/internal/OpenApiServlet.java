package org.syshotplug.http.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.osgi.service.component.annotations.Component;

/** {@code GET /api/v1/openapi.json}: the OpenAPI 3.1 description of this API, as shipped in the bundle. */
@Component(service = Servlet.class, property = {
        "osgi.http.whiteboard.servlet.pattern=/api/v1/openapi.json",
        "osgi.http.whiteboard.servlet.name=syshotplug-openapi"})
public class OpenApiServlet extends ApiServlet {

    private static final long serialVersionUID = 1L;

    @Override
    void handle(HttpServletRequest request, HttpServletResponse response, String method, String path) throws IOException {
        if (!method.equals("GET")) {
            throw wrongMethod(method, path);
        }
        byte[] doc;
        try (InputStream in = OpenApiServlet.class.getResourceAsStream("openapi.json")) {
            if (in == null) {
                throw new IllegalStateException("openapi.json is missing from the bundle");
            }
            doc = in.readAllBytes();
        }
        response.setStatus(200);
        response.setContentType(Json.JSON);
        response.setCharacterEncoding("UTF-8");
        response.setContentLength(doc.length);
        try (OutputStream out = response.getOutputStream()) {
            out.write(doc);
        }
    }

    @Override
    String allowed(String path) {
        return "GET";
    }
}
