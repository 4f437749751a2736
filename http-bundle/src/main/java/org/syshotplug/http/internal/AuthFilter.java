package org.syshotplug.http.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every call is authenticated (HTTP basic or a bearer token) before any resource sees it, and only
 * an operator gets past with a method that changes something. Oversized bodies stop here too when
 * they announce their length.
 */
@Component(service = Filter.class, property = {
        "osgi.http.whiteboard.filter.pattern=/*",
        "osgi.http.whiteboard.filter.name=syshotplug-auth"})
public class AuthFilter implements Filter {

    private static final Logger LOG = LoggerFactory.getLogger(AuthFilter.class);

    private final HttpGate gate;

    @Activate
    public AuthFilter(@Reference HttpGate gate) {
        this.gate = gate;
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse resp, FilterChain chain) throws IOException, ServletException {
        HttpServletRequest request = (HttpServletRequest) req;
        HttpServletResponse response = (HttpServletResponse) resp;
        HttpSettings settings = gate.settings();
        Optional<Principal> who = authenticate(request.getHeader("Authorization"), settings.credentials());
        if (who.isEmpty()) {
            if (request.getHeader("Authorization") != null) {
                // Presented and wrong: worth a line for whoever watches for guessing.
                LOG.info("rejected credentials for {} {} from {}", request.getMethod(),
                        RequestDecoder.printable(request.getRequestURI()), request.getRemoteAddr());
            }
            Json.problem(request, response, new ApiProblem(401, "Unauthenticated",
                    "this API needs HTTP basic credentials or a bearer token of a configured user", "Authorization"));
            return;
        }
        Principal principal = who.get();
        String method = request.getMethod().toUpperCase(Locale.ROOT);
        if (!principal.role().mayUse(method)) {
            Json.problem(request, response, new ApiProblem(403, "Forbidden", "user '" + principal.name() + "' is a "
                    + principal.role().word() + ": " + method + " needs the operator role", null));
            return;
        }
        if (request.getContentLengthLong() > settings.maxBodyBytes()) {
            Json.problem(request, response, ApiProblem.tooLarge(settings.maxBodyBytes()));
            return;
        }
        request.setAttribute(Principal.ATTRIBUTE, principal);
        chain.doFilter(request, response);
    }

    static Optional<Principal> authenticate(String header, Credentials credentials) {
        if (header == null || header.length() > 4096) {
            return Optional.empty();
        }
        String[] parts = header.trim().split(" +", 2);
        if (parts.length != 2) {
            return Optional.empty();
        }
        String scheme = parts[0].toLowerCase(Locale.ROOT);
        if (scheme.equals("bearer")) {
            return credentials.bearer(parts[1].trim());
        }
        if (!scheme.equals("basic")) {
            return Optional.empty();
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(parts[1].trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        int colon = decoded.indexOf(':');
        return colon <= 0 ? Optional.empty() : credentials.basic(decoded.substring(0, colon), decoded.substring(colon + 1));
    }
}
