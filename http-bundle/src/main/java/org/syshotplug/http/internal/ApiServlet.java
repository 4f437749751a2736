package org.syshotplug.http.internal;

import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;

import com.fasterxml.jackson.core.JsonProcessingException;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every resource of the API shares: errors become problem documents (a server fault is logged
 * here with its stack trace and answered with one sentence), wrong methods 405 with {@code Allow},
 * and bodies are read only as JSON and only up to the configured size.
 */
abstract class ApiServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(ApiServlet.class);

    @Override
    protected final void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        try {
            handle(request, response, request.getMethod().toUpperCase(Locale.ROOT), subPath(request));
        } catch (ApiProblem p) {
            if (p.status == 405) {
                response.setHeader("Allow", allowed(subPath(request)));
            }
            if (!response.isCommitted()) {
                Json.problem(request, response, p);
            }
        } catch (JsonProcessingException e) {
            fail(request, response, e);
        } catch (IOException e) {
            // The client went away mid-answer: nothing to tell it.
            LOG.debug("{} {}: {}", request.getMethod(), request.getRequestURI(), e.toString());
        } catch (RuntimeException e) {
            fail(request, response, e);
        }
    }

    private static void fail(HttpServletRequest request, HttpServletResponse response, Exception e) throws IOException {
        LOG.error("{} {} failed", request.getMethod(), RequestDecoder.printable(request.getRequestURI()), e);
        if (!response.isCommitted()) {
            response.reset();
            Json.problem(request, response, new ApiProblem(500, "Internal error",
                    "the server failed to answer this request; its log has the details", null));
        }
    }

    /** Answers one call; {@code path} is what follows the servlet's pattern ("" for the collection itself). */
    abstract void handle(HttpServletRequest request, HttpServletResponse response, String method, String path)
            throws IOException;

    /** The methods a path takes, for 405's {@code Allow} header. */
    abstract String allowed(String path);

    ApiProblem wrongMethod(String method, String path) {
        return ApiProblem.methodNotAllowed(method, allowed(path));
    }

    static String subPath(HttpServletRequest request) {
        String info = request.getPathInfo();
        if (info == null || info.equals("/")) {
            return "";
        }
        return info.startsWith("/") ? info.substring(1) : info;
    }

    static Principal principal(HttpServletRequest request) {
        Object p = request.getAttribute(Principal.ATTRIBUTE);
        if (!(p instanceof Principal principal)) {
            // Only reachable if the authentication filter is missing: refuse rather than act as nobody.
            throw new ApiProblem(401, "Unauthenticated", "no authenticated caller", null);
        }
        return principal;
    }

    /** The JSON body, at most {@code max} bytes (413 beyond), as sent with a JSON content type (415 otherwise). */
    static byte[] body(HttpServletRequest request, int max) throws IOException {
        String type = request.getContentType();
        String base = type == null ? "" : type.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        if (!base.equals("application/json") && !base.endsWith("+json")) {
            throw new ApiProblem(415, "Unsupported media type", "send the body as application/json, not "
                    + (type == null ? "without a Content-Type" : RequestDecoder.printable(type)), "Content-Type");
        }
        if (request.getContentLengthLong() > max) {
            throw ApiProblem.tooLarge(max);
        }
        try (InputStream in = request.getInputStream()) {
            byte[] bytes = in.readNBytes(max + 1);
            if (bytes.length > max) {
                throw ApiProblem.tooLarge(max);
            }
            return bytes;
        }
    }

    static int intParameter(HttpServletRequest request, String name, int fallback, int min, int max) {
        String v = request.getParameter(name);
        if (v == null) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(v);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ApiProblem.badField(name, name + " '" + RequestDecoder.printable(v) + "' is not an integer in " + min + "-" + max);
    }
}
