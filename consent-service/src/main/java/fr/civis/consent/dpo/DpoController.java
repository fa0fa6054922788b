package fr.civis.consent.dpo;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import fr.civis.common.CityTime;
import fr.civis.common.problem.ProblemException;
import fr.civis.common.security.Caller;
import fr.civis.common.security.CallerKind;
import fr.civis.common.security.EidasLevel;
import fr.civis.common.security.RequiresLevel;
import fr.civis.consent.journal.Journal;
import fr.civis.consent.report.Reports;
import tools.jackson.databind.json.JsonMapper;

/**
 * The DPO's console API: only the {@code dpo} role, and only after a login at {@code eidas2} (a token below gets the
 * RFC 9470 challenge). Citizens appear under a pseudonym; revealing one takes a reason and is journaled.
 */
@RestController
@Tag(name = "DPO", description = "Console du délégué à la protection des données")
@Caller(CallerKind.DPO)
@RequiresLevel(EidasLevel.EIDAS2)
class DpoController {

    /** What a reveal needs: the entry whose citizen the DPO must know, and why. */
    record RevealRequest(@NotNull @Min(1) Long entryId, @NotBlank @Size(min = 10, max = 500) String reason) {
    }

    record Page(List<ConsoleEntry> entries, Long next) {
    }

    /** A citizen's report as the DPO sees it: under a pseudonym, with the check of its signed extract. */
    record ReportView(java.util.UUID id, String citizen, java.time.Instant createdAt, List<Long> entryIds,
            String comment, String status, String note, java.time.Instant updatedAt, String extract,
            Reports.ExtractCheck check) {
    }

    /** The DPO's follow-up: the new status and a note (required to answer). */
    record FollowUp(@NotBlank String status, @Size(max = 2000) String note) {
    }

    /** The periods in force, when the purge runs, and the last purges. */
    record RetentionView(String accessEvents, String securityEvents, String endedConsents, String schedule,
            List<Retention.Purge> purges) {
    }

    record AnomalyView(Thresholds thresholds, List<Anomalies.Anomaly> anomalies) {
    }

    /** The thresholds in force, in whole minutes for the page. */
    record Thresholds(long windowMinutes, int manyCitizens, int manyDenials, long lateFetchMinutes, int failedLogins) {

        static Thresholds of(AnomalyProperties settings) {
            return new Thresholds(settings.window().toMinutes(), settings.manyCitizens(), settings.manyDenials(),
                    settings.lateFetch().toMinutes(), settings.failedLogins());
        }
    }

    /** Without dates, the anomalies and figures cover the last 30 days. */
    private static final java.time.Duration DEFAULT_PERIOD = java.time.Duration.ofDays(30);

    private final DpoConsole console;
    private final DpoProperties settings;
    private final Journal journal;
    private final Retention retention;
    private final Anomalies anomalies;
    private final ProcessingRegister register;
    private final java.time.Clock clock;
    private final JsonMapper json;
    private final Reports reports;
    private final Pseudonyms pseudonyms;

    DpoController(DpoConsole console, DpoProperties settings, Journal journal, Retention retention, Anomalies anomalies,
            ProcessingRegister register, java.time.Clock clock, JsonMapper json, Reports reports,
            Pseudonyms pseudonyms) {
        this.reports = reports;
        this.pseudonyms = pseudonyms;
        this.console = console;
        this.settings = settings;
        this.journal = journal;
        this.retention = retention;
        this.anomalies = anomalies;
        this.register = register;
        this.clock = clock;
        this.json = json;
    }

    @GetMapping("/api/v1/dpo/entries")
    @Operation(summary = "Consentements et accès du journal, les plus récents d'abord ; habitants sous pseudonyme (dpo, eidas2)")
    Page search(@RequestParam(required = false) String recipient, @RequestParam(required = false) String purpose,
            @RequestParam(required = false) String documentType, @RequestParam(required = false) String from,
            @RequestParam(required = false) String to, @RequestParam(required = false) String outcome,
            @RequestParam(required = false) Long before) {
        Criteria criteria = Criteria.of(recipient, purpose, documentType, from, to, outcome, before);
        List<ConsoleEntry> entries = console.search(criteria, settings.pageSize() + 1);
        if (entries.size() > settings.pageSize()) {
            List<ConsoleEntry> page = entries.subList(0, settings.pageSize());
            return new Page(List.copyOf(page), page.getLast().entryId());
        }
        return new Page(entries, null);
    }

    @GetMapping("/api/v1/dpo/entries/export")
    @Operation(summary = "La même recherche en fichier CSV ou JSON ; l'export est journalisé (dpo, eidas2)")
    ResponseEntity<byte[]> export(@AuthenticationPrincipal Jwt token, @RequestParam String format,
            @RequestParam(required = false) String recipient, @RequestParam(required = false) String purpose,
            @RequestParam(required = false) String documentType, @RequestParam(required = false) String from,
            @RequestParam(required = false) String to, @RequestParam(required = false) String outcome) {
        if (!"csv".equals(format) && !"json".equals(format)) {
            throw new ProblemException(HttpStatus.BAD_REQUEST, "dpo-search-invalid");
        }
        Criteria criteria = Criteria.of(recipient, purpose, documentType, from, to, outcome, null);
        List<ConsoleEntry> entries = console.search(criteria, settings.exportLimit());
        console.exported(token.getSubject(), format, entries.size());
        byte[] body = "csv".equals(format)
                ? Csv.of(ConsoleEntry.COLUMNS, entries.stream().map(ConsoleEntry::cells).toList())
                        .getBytes(StandardCharsets.UTF_8)
                : json.writeValueAsBytes(entries);
        String name = "journal-" + CityTime.today(clock) + "." + format;
        return ResponseEntity.ok()
                .contentType("csv".equals(format) ? new MediaType("text", "csv", StandardCharsets.UTF_8)
                        : MediaType.APPLICATION_JSON)
                .header("Content-Disposition", ContentDisposition.attachment().filename(name).build().toString())
                .body(body);
    }

    @PostMapping("/api/v1/dpo/reveals")
    @Operation(summary = "Lève le pseudonyme de l'habitant d'une entrée, pour un motif ; la levée est journalisée avant d'être montrée (dpo, eidas2)")
    DpoConsole.Identity reveal(@AuthenticationPrincipal Jwt token, @Valid @RequestBody RevealRequest request) {
        return console.reveal(request.entryId(), request.reason().strip(), token.getSubject());
    }

    @GetMapping("/api/v1/dpo/reports")
    @Operation(summary = "Les signalements des habitants, les plus récents d'abord, avec la vérification de leur extrait signé (dpo, eidas2)")
    List<ReportView> reports() {
        return reports.all(100).stream().map(this::view).toList();
    }

    @PutMapping(path = "/api/v1/dpo/reports/{id}", consumes = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Fait avancer un signalement (in-progress, answered) avec une note ; le changement est journalisé. "
            + "Erreurs : 400 report-invalid, 400 report-note-required, 404 report-not-found, 409 report-closed (dpo, eidas2)")
    ReportView follow(@AuthenticationPrincipal Jwt token, @PathVariable java.util.UUID id,
            @Valid @RequestBody FollowUp request) {
        return view(reports.follow(id, request.status(), request.note(), token.getSubject()));
    }

    private ReportView view(Reports.Report report) {
        return new ReportView(report.id(), pseudonyms.of(report.subject()), report.createdAt(), report.entryIds(),
                report.comment(), report.status(), report.note(), report.updatedAt(), report.extract(),
                reports.check(report));
    }

    @GetMapping("/api/v1/dpo/journal")
    @Operation(summary = "Le dernier point de contrôle signé du journal (dpo, eidas2)")
    Map<String, Object> checkpoint() {
        return journal.latestCheckpoint().<Map<String, Object>>map(view -> Map.of("checkpoint", view))
                .orElse(Map.of());
    }

    @GetMapping("/api/v1/dpo/retention")
    @Operation(summary = "Durées de conservation en vigueur, purge planifiée et historique des purges (dpo, eidas2)")
    RetentionView retention() {
        RetentionProperties periods = retention.settings();
        return new RetentionView(periods.accessEvents().toString(), periods.securityEvents().toString(),
                periods.endedConsents().toString(), periods.schedule(), retention.history(20));
    }

    @PostMapping("/api/v1/dpo/retention/purges")
    @Operation(summary = "Purge maintenant ce qui a dépassé sa durée de conservation ; la purge est journalisée (dpo, eidas2)")
    ResponseEntity<Retention.Purge> purge(@AuthenticationPrincipal Jwt token) {
        return ResponseEntity.status(HttpStatus.CREATED).body(retention.purge(token.getSubject()));
    }

    @GetMapping("/api/v1/dpo/anomalies")
    @Operation(summary = "Lectures massives, refus répétés, accès juste avant l'expiration, pics d'échecs de connexion (dpo, eidas2)")
    AnomalyView anomalies(@RequestParam(required = false) String from, @RequestParam(required = false) String to) {
        Criteria period = period(from, to);
        return new AnomalyView(Thresholds.of(anomalies.settings()), anomalies.between(period.from(), period.to()));
    }

    @GetMapping("/api/v1/dpo/figures")
    @Operation(summary = "Partages, accès et refus par jour et par service (dpo, eidas2)")
    List<Anomalies.DayFigures> figures(@RequestParam(required = false) String recipient,
            @RequestParam(required = false) String from, @RequestParam(required = false) String to) {
        Criteria period = Criteria.of(recipient, null, null, from, to, null, null);
        Criteria bounded = period(from, to);
        return anomalies.figures(bounded.from(), bounded.to(), period.recipient());
    }

    @GetMapping("/api/v1/dpo/register")
    @Operation(summary = "Le registre des traitements (RGPD art. 30) tiré des destinataires enregistrés, en CSV ou JSON (dpo, eidas2)")
    ResponseEntity<byte[]> register(@RequestParam(defaultValue = "json") String format) {
        if (!"csv".equals(format) && !"json".equals(format)) {
            throw new ProblemException(HttpStatus.BAD_REQUEST, "dpo-search-invalid");
        }
        List<ProcessingRegister.Processing> rows = register.processings();
        byte[] body = "csv".equals(format)
                ? Csv.of(ProcessingRegister.COLUMNS, rows.stream().map(ProcessingRegister.Processing::cells).toList())
                        .getBytes(StandardCharsets.UTF_8)
                : json.writeValueAsBytes(rows);
        return ResponseEntity.ok()
                .contentType("csv".equals(format) ? new MediaType("text", "csv", StandardCharsets.UTF_8)
                        : MediaType.APPLICATION_JSON)
                .header("Content-Disposition", ContentDisposition.attachment()
                        .filename("registre-des-traitements." + format).build().toString())
                .body(body);
    }

    /** A period from the DPO's dates, the last 30 days up to now by default. */
    private Criteria period(String from, String to) {
        Criteria asked = Criteria.of(null, null, null, from, to, null, null);
        java.time.Instant end = asked.to() != null ? asked.to() : clock.instant();
        java.time.Instant start = asked.from() != null ? asked.from() : end.minus(DEFAULT_PERIOD);
        return new Criteria(null, null, null, start, end, null, null);
    }
}
