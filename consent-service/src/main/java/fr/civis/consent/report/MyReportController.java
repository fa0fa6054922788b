package fr.civis.consent.report;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import fr.civis.common.problem.ProblemException;
import fr.civis.common.security.Caller;
import fr.civis.common.security.CallerKind;
import fr.civis.common.security.Citizen;
import fr.civis.consent.security.Callers;
import tools.jackson.databind.JsonNode;

/** « Signaler au DPO »: the citizen reports entries of their own access history, with their own token. */
@RestController
@Caller(CallerKind.CITIZEN)
@Tag(name = "Mes partages", description = "Consentements et accès de l'habitant connecté")
class MyReportController {

    private final Reports reports;
    private final Callers callers;

    MyReportController(Reports reports, Callers callers) {
        this.reports = reports;
        this.callers = callers;
    }

    /** A report as its citizen sees it: what they sent and where the DPO is with it. */
    record MyReport(UUID id, Instant createdAt, List<Long> entryIds, String comment, String status, String note,
            Instant updatedAt) {

        static MyReport of(Reports.Report report) {
            return new MyReport(report.id(), report.createdAt(), report.entryIds(), report.comment(), report.status(),
                    report.note(), report.updatedAt());
        }
    }

    @PostMapping(path = "/api/v1/me/reports", consumes = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Signale au DPO des entrées de mon historique, avec un commentaire : {\"entryIds\": [n…], "
            + "\"comment\": \"…\"}. Erreurs : 400 report-invalid, 404 journal-entry-not-found.")
    ResponseEntity<MyReport> create(Citizen citizen, @RequestBody JsonNode body) {
        String subject = callers.requireCitizen(citizen);
        if (body == null || !body.isObject() || body.size() != 2 || !body.path("entryIds").isArray()
                || !body.path("comment").isString()) {
            throw new ProblemException(HttpStatus.BAD_REQUEST, "report-invalid");
        }
        List<Long> ids = new java.util.ArrayList<>();
        for (JsonNode id : body.get("entryIds")) {
            if (!id.isIntegralNumber() || !id.canConvertToLong()) {
                throw new ProblemException(HttpStatus.BAD_REQUEST, "report-invalid");
            }
            ids.add(id.asLong());
        }
        Reports.Report report = reports.create(subject, ids, body.get("comment").asString());
        return ResponseEntity.status(HttpStatus.CREATED).body(MyReport.of(report));
    }

    @GetMapping("/api/v1/me/reports")
    @Operation(summary = "Mes signalements au DPO et leur suivi, du plus récent au plus ancien")
    List<MyReport> mine(Citizen citizen) {
        return reports.of(callers.requireCitizen(citizen)).stream().map(MyReport::of).toList();
    }
}
