package fr.civis.vault.document;

import java.util.List;

public record DocumentPage(List<Document> items, int page, int size, long totalItems, long totalPages) {
}
