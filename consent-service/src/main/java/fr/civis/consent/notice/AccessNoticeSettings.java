package fr.civis.consent.notice;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** Whether a citizen wants the access e-mails: on unless they turned them off. */
@Component
class AccessNoticeSettings {

    private final JdbcClient jdbc;

    AccessNoticeSettings(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    boolean enabled(String subject) {
        return !jdbc.sql("SELECT EXISTS (SELECT 1 FROM access_notice_opt_out WHERE subject = :subject)")
                .param("subject", subject).query(Boolean.class).single();
    }

    void set(String subject, boolean enabled) {
        if (enabled) {
            jdbc.sql("DELETE FROM access_notice_opt_out WHERE subject = :subject").param("subject", subject).update();
        } else {
            jdbc.sql("INSERT INTO access_notice_opt_out (subject, since) VALUES (:subject, now()) "
                    + "ON CONFLICT (subject) DO NOTHING").param("subject", subject).update();
        }
    }
}
