package fr.civis.mairie.web;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.util.WebUtils;

import fr.civis.mairie.MairieProperties;
import fr.civis.mairie.release.FetchedContent;
import fr.civis.mairie.release.PendingReleases;
import fr.civis.mairie.release.PendingReleases.Pending;
import fr.civis.mairie.release.ReleaseApi.PushedRequest;
import fr.civis.mairie.release.ReleaseApi.Release;
import fr.civis.mairie.release.ReleaseApi.ReleaseRequest;
import fr.civis.mairie.release.ReleaseApi.ReleasedDocument;
import fr.civis.mairie.release.VaultException;
import fr.civis.mairie.release.VaultReleases;

/**
 * « Inscription à la crèche »: asks the vault for a paper on the citizen's behalf, sends the citizen to the portal to
 * decide, and on return fetches what was released and checks it.
 */
@Controller
class CrecheController {

    private static final Logger LOG = LoggerFactory.getLogger(CrecheController.class);

    /** How long the citizen may take in the portal; the vault's handle itself lives 5 minutes until it is opened. */
    static final Duration DECISION_TIME = Duration.ofMinutes(30);

    private static final DateTimeFormatter FRENCH_DATE = DateTimeFormatter.ofPattern("d MMMM yyyy", Locale.FRANCE);

    private final VaultReleases vault;
    private final MairieProperties settings;
    private final Clock clock;

    CrecheController(VaultReleases vault, MairieProperties settings) {
        this.vault = vault;
        this.settings = settings;
        this.clock = Clock.systemUTC();
    }

    /** One row of the result page. */
    record ReceivedDocument(String typeLabel, String contentType, String size, String digest, boolean verified) {
    }

    @GetMapping("/")
    String home(@AuthenticationPrincipal OidcUser citizen, Model model) {
        model.addAttribute("citizen", citizen == null ? null : displayName(citizen));
        model.addAttribute("documentTypes", settings.documentTypes().stream().map(DocumentTypes::label).toList());
        model.addAttribute("days", settings.duration().getDays());
        return "accueil";
    }

    /** Pushes the request to the vault, then sends the browser to the portal with the handle only. */
    @PostMapping("/demande")
    ResponseEntity<Void> request(HttpSession session) {
        Pending pending;
        synchronized (WebUtils.getSessionMutex(session)) {
            pending = pending(session).issue(settings.purpose(), clock);
        }
        PushedRequest pushed;
        try {
            pushed = vault.push(new ReleaseRequest(settings.documentTypes(), settings.purpose(),
                    settings.duration().toString(), settings.returnUri(), pending.state()));
        } catch (VaultException e) {
            synchronized (WebUtils.getSessionMutex(session)) {
                pending(session).cancel(pending);
            }
            throw e;
        }
        // 303: the browser follows with a GET, carrying nothing but the handle.
        return ResponseEntity.status(HttpStatus.SEE_OTHER).location(URI.create(
                MairieProperties.origin(settings.portalUrl()) + portalPath() + "?request_uri="
                        + URLEncoder.encode(pushed.requestUri(), StandardCharsets.UTF_8))).build();
    }

    /** The portal sends the citizen back here: {@code consent_id} and {@code state}, or {@code error} and {@code state}. */
    @GetMapping("/callback")
    String callback(@RequestParam(name = "state", required = false) String state,
            @RequestParam(name = "consent_id", required = false) String consentId,
            @RequestParam(name = "error", required = false) String error,
            @AuthenticationPrincipal OidcUser citizen, HttpSession session, Model model,
            HttpServletResponse response) {
        Optional<Pending> pending;
        synchronized (WebUtils.getSessionMutex(session)) {
            pending = pending(session).consume(state, clock);
        }
        if (pending.isEmpty()) {
            return error(model, response, HttpStatus.BAD_REQUEST, "Réponse inattendue",
                    "Cette réponse ne correspond à aucune demande en cours faite depuis cette session (ou elle a déjà "
                            + "été reçue, ou elle a expiré). Aucun document n'a été récupéré. Vous pouvez refaire la "
                            + "demande depuis l'accueil.", null);
        }
        if (error != null) {
            if ("access_denied".equals(error)) {
                LOG.info("Release refused by the citizen (purpose {})", pending.get().purpose());
                return "refus";
            }
            return error(model, response, HttpStatus.BAD_GATEWAY, "La demande n'a pas abouti",
                    "Le portail n'a pas pu traiter la demande. Aucun document n'a été transmis.", error);
        }
        if (consentId == null || consentId.isBlank()) {
            return error(model, response, HttpStatus.BAD_REQUEST, "Réponse incomplète",
                    "Le portail n'a indiqué aucun consentement. Aucun document n'a été récupéré.", null);
        }
        Release release = vault.release(consentId);
        if (release.subject() == null || !release.subject().equals(citizen.getSubject())) {
            LOG.warn("Consent {} names another subject than the citizen logged in here: not used", consentId);
            return error(model, response, HttpStatus.CONFLICT, "Document non utilisé",
                    "Le document transmis concerne une autre personne que celle qui est connectée ici. Il n'a pas été "
                            + "utilisé.", "subject-mismatch");
        }
        if (!pending.get().purpose().equals(release.purpose())) {
            return error(model, response, HttpStatus.CONFLICT, "Document non utilisé",
                    "Le consentement reçu porte sur une autre démarche que celle demandée. Il n'a pas été utilisé.",
                    "purpose-mismatch");
        }
        List<ReceivedDocument> received = new ArrayList<>();
        for (ReleasedDocument document : release.documents()) {
            FetchedContent content = vault.content(consentId, document.id());
            boolean verified = content.verified()
                    && (document.digest() == null || content.matchesListed(document.digest()))
                    && (document.size() == null || document.size() == content.size());
            if (!verified) {
                LOG.warn("Document {} of consent {}: digest or size does not match; rejected", document.id(), consentId);
            }
            received.add(new ReceivedDocument(DocumentTypes.label(document.type()), document.contentType(),
                    DocumentTypes.size(content.size()), content.computed().hex(), verified));
        }
        model.addAttribute("documents", received);
        model.addAttribute("allVerified", !received.isEmpty() && received.stream().allMatch(ReceivedDocument::verified));
        if (release.expiresAt() != null) {
            model.addAttribute("expiresAt", release.expiresAt().toString());
            model.addAttribute("expiresOn", FRENCH_DATE.format(release.expiresAt().atZone(settings.zone())));
        }
        return "resultat";
    }

    @ExceptionHandler(VaultException.class)
    String vaultFailed(VaultException e, Model model, HttpServletResponse response) {
        LOG.warn("Vault call failed: {}", e.getMessage());
        if (e.status() == 0 || e.status() == 503) {
            return error(model, response, HttpStatus.SERVICE_UNAVAILABLE, "Service momentanément indisponible",
                    "Le coffre-fort de la ville ne peut pas répondre pour le moment. Aucun document n'a été récupéré. "
                            + "Réessayez dans quelques minutes.", e.code());
        }
        String detail = e.detail() != null ? e.detail()
                : "Le coffre-fort de la ville a refusé la demande. Aucun document n'a été récupéré.";
        return error(model, response, e.status() == 403 ? HttpStatus.FORBIDDEN : HttpStatus.BAD_GATEWAY,
                "La demande n'a pas abouti", detail, e.code());
    }

    private String portalPath() {
        String path = settings.portalUrl().getRawPath();
        return path == null || path.isEmpty() ? "/" : path.endsWith("/") ? path : path + "/";
    }

    private static String error(Model model, HttpServletResponse response, HttpStatus status, String title,
            String message, String code) {
        response.setStatus(status.value());
        model.addAttribute("title", title);
        model.addAttribute("message", message);
        model.addAttribute("code", code);
        return "erreur";
    }

    private static PendingReleases pending(HttpSession session) {
        Object existing = session.getAttribute(PendingReleases.SESSION_ATTRIBUTE);
        if (existing instanceof PendingReleases releases) {
            return releases;
        }
        PendingReleases created = new PendingReleases(DECISION_TIME);
        session.setAttribute(PendingReleases.SESSION_ATTRIBUTE, created);
        return created;
    }

    private static String displayName(OidcUser citizen) {
        if (citizen.getGivenName() != null) {
            return citizen.getGivenName();
        }
        return citizen.getFullName() != null ? citizen.getFullName() : "";
    }
}
