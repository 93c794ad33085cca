import type { Report } from '../../domain/entities';

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

export function reportView(r: Report) {
  return {
    id: r.id,
    requestedBy: r.requestedBy,
    sections: r.sections,
    format: r.format,
    language: r.language,
    filters: r.filters,
    status: r.status,
    progress: { rowsWritten: r.rowsWritten, totalRows: r.totalRows ?? null },
    sizeBytes: r.sizeBytes ?? null,
    error: r.error ?? null,
    createdAt: r.createdAt.toISOString(),
    finishedAt: iso(r.finishedAt),
    downloadUrl: r.status === 'ready' ? `/api/v1/reports/${r.id}/download` : null,
  };
}
