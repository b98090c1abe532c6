package org.torchbatch.spark.parquet;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.zip.CRC32;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.page.DataPage;
import org.apache.parquet.column.page.DataPageV1;
import org.apache.parquet.column.page.DataPageV2;
import org.apache.parquet.column.page.DictionaryPage;
import org.apache.parquet.column.page.PageReader;
import org.apache.parquet.compression.CompressionCodecFactory.BytesInputDecompressor;
import org.apache.parquet.format.DataPageHeader;
import org.apache.parquet.format.DataPageHeaderV2;
import org.apache.parquet.format.PageHeader;
import org.apache.parquet.format.PageType;
import org.apache.parquet.format.Util;
import org.apache.parquet.io.ParquetDecodingException;

/**
 * The pages of one column chunk, parsed from its bytes as {@link ChunkReadAhead} delivers them and
 * decompressed by the reader's codecs (Snappy into its {@link NativeBuffers}); an uncompressed page
 * is a view of the read-ahead block it lies in, valid until the next page is read, as {@link
 * ColumnCursor} uses it.
 */
final class StreamedPages implements PageReader {
  private final ChunkReadAhead bytes;
  private final BytesInputDecompressor decompressor;
  private final NativeBuffers buffers;
  private final long values;
  private final boolean verifyChecksums;
  private long left;
  private PageHeader pending;

  /**
   * The chunk of {@code length} bytes holding {@code values} values; {@code decompressor} is null
   * for an uncompressed chunk. With {@code verifyChecksums}, a page whose header carries a CRC32
   * must match it: a flipped bit in its values would else read as another valid value.
   */
  StreamedPages(
      ChunkReadAhead bytes,
      long length,
      long values,
      BytesInputDecompressor decompressor,
      NativeBuffers buffers,
      boolean verifyChecksums) {
    this.bytes = bytes;
    this.left = length;
    this.values = values;
    this.verifyChecksums = verifyChecksums;
    this.decompressor = decompressor;
    this.buffers = buffers;
  }

  @Override
  public long getTotalValueCount() {
    return values;
  }

  @Override
  public DictionaryPage readDictionaryPage() {
    try {
      PageHeader header = nextHeader();
      if (header == null || header.getType() != PageType.DICTIONARY_PAGE) {
        pending = header;
        return null;
      }
      var dictionary = header.getDictionary_page_header();
      BytesInput page = body(header);
      return new DictionaryPage(
          page,
          header.getUncompressed_page_size(),
          dictionary.getNum_values(),
          encoding(dictionary.getEncoding()));
    } catch (IOException e) {
      throw new ParquetDecodingException(e.getMessage(), e);
    }
  }

  @Override
  public DataPage readPage() {
    try {
      while (true) {
        PageHeader header = pending != null ? pending : nextHeader();
        pending = null;
        if (header == null) {
          return null;
        }
        switch (header.getType()) {
          case DATA_PAGE:
            return v1(header);
          case DATA_PAGE_V2:
            return v2(header);
          case DICTIONARY_PAGE:
            throw new ParquetDecodingException("a dictionary page after the chunk's first page");
          default: // index pages: nothing a reader needs
            skip(header.getCompressed_page_size());
        }
      }
    } catch (IOException e) {
      throw new ParquetDecodingException(e.getMessage(), e);
    }
  }

  private DataPage v1(PageHeader header) throws IOException {
    DataPageHeader data = header.getData_page_header();
    BytesInput page = body(header);
    return new DataPageV1(
        page,
        data.getNum_values(),
        header.getUncompressed_page_size(),
        null,
        encoding(data.getRepetition_level_encoding()),
        encoding(data.getDefinition_level_encoding()),
        encoding(data.getEncoding()));
  }

  private DataPage v2(PageHeader header) throws IOException {
    DataPageHeaderV2 data = header.getData_page_header_v2();
    int repetitionLength = data.getRepetition_levels_byte_length();
    int definitionLength = data.getDefinition_levels_byte_length();
    int levelsLength = repetitionLength + definitionLength;
    int stored = header.getCompressed_page_size();
    if (levelsLength < 0 || levelsLength > stored) {
      throw new IOException("a v2 page's levels (" + levelsLength + " bytes) exceed the page");
    }
    ByteBuffer whole = checked(header);
    // levels are few and never compressed: copied out, so the page's bytes can go back at once
    byte[] repetition = new byte[repetitionLength];
    byte[] definition = new byte[definitionLength];
    whole.duplicate().get(repetition).get(definition);
    BytesInput values = BytesInput.from(whole.duplicate().position(levelsLength).slice());
    if (decompressor != null && (!data.isSetIs_compressed() || data.isIs_compressed())) {
      values = decompressed(values, header.getUncompressed_page_size() - levelsLength, whole);
    }
    return DataPageV2.uncompressed(
        data.getNum_rows(),
        data.getNum_nulls(),
        data.getNum_values(),
        BytesInput.from(repetition),
        BytesInput.from(definition),
        encoding(data.getEncoding()),
        values,
        null);
  }

  /** A page's stored bytes, decompressed if the chunk is. */
  private BytesInput body(PageHeader header) throws IOException {
    ByteBuffer page = checked(header);
    return decompressor != null
        ? decompressed(BytesInput.from(page), header.getUncompressed_page_size(), page)
        : BytesInput.from(page);
  }

  /** The page's stored bytes, checked against the CRC32 its header carries (if it does). */
  private ByteBuffer checked(PageHeader header) throws IOException {
    ByteBuffer page = take(header.getCompressed_page_size());
    if (verifyChecksums && header.isSetCrc()) {
      CRC32 crc = new CRC32();
      crc.update(page.duplicate());
      if ((int) crc.getValue() != header.getCrc()) {
        buffers.releasePage(page);
        throw new IOException(
            "a page's bytes do not match the checksum in its header: the page is damaged");
      }
    }
    return page;
  }

  private BytesInput decompressed(BytesInput stored, int size, ByteBuffer staged)
      throws IOException {
    try {
      return decompressor.decompress(stored, size);
    } finally {
      buffers.releasePage(staged); // a copy of a page that spanned two blocks; else ignored
    }
  }

  private ByteBuffer take(int length) throws IOException {
    if (length < 0 || length > left) {
      throw new IOException(
          "a page of " + length + " bytes runs past its column chunk (" + left + " bytes left)");
    }
    left -= length;
    return bytes.next(length, buffers);
  }

  private void skip(int length) throws IOException {
    buffers.releasePage(take(length));
  }

  private PageHeader nextHeader() throws IOException {
    if (left == 0) {
      return null;
    }
    ChunkReadAhead.CountedStream in = bytes.stream(left);
    PageHeader header = Util.readPageHeader(in);
    left -= in.count();
    return header;
  }

  private static Encoding encoding(org.apache.parquet.format.Encoding encoding) {
    return Encoding.valueOf(encoding.name());
  }
}
