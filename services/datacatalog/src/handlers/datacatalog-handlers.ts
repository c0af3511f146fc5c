import type { ServiceImpl } from "@connectrpc/connect";
import type { DataCatalogService } from "@skein/idl/datacatalog/v1";
import type { ArtifactReader } from "../domain/artifact-reader.js";
import type { ArtifactWriter } from "../domain/artifact-writer.js";
import type { DatasetManager } from "../domain/dataset-manager.js";
import type { EvictionManager } from "../domain/eviction-manager.js";
import type { ReservationManager } from "../domain/reservation-manager.js";

export interface DatacatalogManagers {
  readonly datasets: DatasetManager;
  readonly reader: ArtifactReader;
  readonly writer: ArtifactWriter;
  readonly reservations: ReservationManager;
  readonly eviction: EvictionManager;
}

/** The RPCs of DataCatalogService, one line each; the type makes leaving one out a compile error. */
export function datacatalogHandlers(m: DatacatalogManagers): ServiceImpl<typeof DataCatalogService> {
  return {
    createDataset: (req) => m.datasets.create(req),
    getDataset: (req) => m.datasets.get(req),
    listDatasets: (req) => m.datasets.list(req),
    createArtifact: (req) => m.writer.create(req),
    getArtifact: (req) => m.reader.get(req),
    listArtifacts: (req) => m.reader.list(req),
    addTag: (req) => m.writer.addTag(req),
    updateArtifact: (req) => m.writer.update(req),
    getOrExtendReservation: (req) => m.reservations.getOrExtend(req),
    releaseReservation: (req) => m.reservations.release(req),
    deleteArtifact: (req) => m.eviction.deleteOne(req),
    evictArtifacts: (req) => m.eviction.evict(req),
    findArtifacts: (req) => m.reader.findAcross(req),
  };
}
