package io.driftgate.core.testing;

import com.google.cloud.storage.Storage;
import com.google.cloud.storage.contrib.nio.testing.LocalStorageHelper;
import org.apache.iceberg.gcp.gcs.GCSFileIO;

/**
 * Iceberg's {@code GCSFileIO} on one in-memory fake of Cloud Storage per JVM (google-cloud-nio's
 * {@link LocalStorageHelper}: whole objects, no rename, no link, no append). Name it as {@code
 * io-impl} (e.g. in {@code lake.catalog.properties}, which the artifact store follows too) and
 * every {@code gs://} location of the process, in any thread, reaches the same fake bucket: what
 * the pods of an in-process cluster and their launcher share in tests.
 */
public class FakeGcsFileIO extends GCSFileIO {
  private static final Storage STORAGE = LocalStorageHelper.customOptions(false).getService();

  public FakeGcsFileIO() {
    super(FakeGcsFileIO::storage);
  }

  /** The fake every instance uses. */
  public static Storage storage() {
    return STORAGE;
  }
}
