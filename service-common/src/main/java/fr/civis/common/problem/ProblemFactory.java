package fr.civis.common.problem;

import java.net.URI;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.context.MessageSource;
import org.springframework.context.support.ResourceBundleMessageSource;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;

/**
 * Builds RFC 9457 problems: a stable machine code (also in {@code type} as {@code urn:civis:problem:<code>})
 * and a message in the caller's language, French unless the caller asks for English.
 */
public final class ProblemFactory {

    public static final Locale DEFAULT_LOCALE = Locale.FRENCH;
    private static final Set<String> SUPPORTED_LANGUAGES = Set.of("fr", "en");

    private final MessageSource messages;

    public ProblemFactory() {
        var bundle = new ResourceBundleMessageSource();
        // Shared messages first, then the ones each service adds for its own codes.
        bundle.setBasenames("civis-problems", "service-problems");
        bundle.setDefaultEncoding("UTF-8");
        bundle.setFallbackToSystemLocale(false);
        bundle.setDefaultLocale(DEFAULT_LOCALE);
        this.messages = bundle;
    }

    public ProblemDetail create(HttpStatusCode status, String code, Locale locale) {
        return create(status, code, new Object[0], locale);
    }

    /** A problem whose detail names {@code values} ({@code {0}}, {@code {1}}… in the bundle). */
    public ProblemDetail create(HttpStatusCode status, String code, Object[] values, Locale locale) {
        ProblemDetail problem = ProblemDetail.forStatus(status);
        problem.setType(URI.create("urn:civis:problem:" + code));
        problem.setTitle(messages.getMessage("problem." + code + ".title", null, locale));
        problem.setDetail(messages.getMessage("problem." + code + ".detail", values.length == 0 ? null : values,
                locale));
        problem.setProperty("code", code);
        return problem;
    }

    /** The first language the caller accepts among those we write in; French otherwise. */
    public static Locale localeOf(HttpServletRequest request) {
        if (request.getHeader("Accept-Language") == null) {
            return DEFAULT_LOCALE;
        }
        for (Enumeration<Locale> accepted = request.getLocales(); accepted.hasMoreElements(); ) {
            Locale locale = accepted.nextElement();
            if (SUPPORTED_LANGUAGES.contains(locale.getLanguage())) {
                return Locale.of(locale.getLanguage());
            }
        }
        return DEFAULT_LOCALE;
    }

    /** The problem as the JSON members RFC 9457 names, extensions flattened beside them. */
    public static Map<String, Object> members(ProblemDetail problem) {
        Map<String, Object> members = new LinkedHashMap<>();
        members.put("type", problem.getType().toString());
        members.put("title", problem.getTitle());
        members.put("status", problem.getStatus());
        members.put("detail", problem.getDetail());
        if (problem.getInstance() != null) {
            members.put("instance", problem.getInstance().toString());
        }
        if (problem.getProperties() != null) {
            members.putAll(problem.getProperties());
        }
        return members;
    }
}
