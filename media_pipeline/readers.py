"""Seekable read-only file objects over stored films. PyAV reads through them a few kilobytes at a time and seeks,
so probing a film never downloads it whole: the S3 reader issues ranged GetObject calls and keeps a small cache."""

import io
import os
from collections import OrderedDict


class S3RangeReader(io.RawIOBase):
    """A raw, seekable, read-only file over one S3 object. `bytes_fetched` and `requests` count what was pulled."""

    def __init__(
        self,
        *,
        client,
        bucket: str,
        key: str,
        size: int | None = None,
        block_size: int = 256 * 1024,
        cache_blocks: int = 32,
    ):
        super().__init__()
        self.client, self.bucket, self.key = client, bucket, key
        self.size = size if size is not None else client.head_object(Bucket=bucket, Key=key)["ContentLength"]
        self.block_size = block_size
        self.cache_blocks = cache_blocks
        self.position = 0
        self.bytes_fetched = 0
        self.requests = 0
        self._blocks: OrderedDict[int, bytes] = OrderedDict()

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self.position

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        if whence == os.SEEK_SET:
            position = offset
        elif whence == os.SEEK_CUR:
            position = self.position + offset
        elif whence == os.SEEK_END:
            position = self.size + offset
        else:
            raise ValueError(f"invalid whence {whence}")
        if position < 0:
            raise OSError("negative seek position")
        self.position = position
        return position

    def _fetch(self, first: int, last: int) -> dict[int, bytes]:
        """Blocks first..last (inclusive), fetched in one ranged request."""
        start = first * self.block_size
        end = min(self.size, (last + 1) * self.block_size) - 1
        response = self.client.get_object(Bucket=self.bucket, Key=self.key, Range=f"bytes={start}-{end}")
        data = response["Body"].read()
        self.requests += 1
        self.bytes_fetched += len(data)
        return {
            index: data[(index - first) * self.block_size : (index - first + 1) * self.block_size]
            for index in range(first, last + 1)
        }

    def readinto(self, buffer) -> int:
        view = memoryview(buffer).cast("B")
        wanted = min(len(view), max(0, self.size - self.position))
        if wanted == 0:
            return 0
        first = self.position // self.block_size
        last = (self.position + wanted - 1) // self.block_size
        blocks = {index: self._blocks[index] for index in range(first, last + 1) if index in self._blocks}
        missing = [index for index in range(first, last + 1) if index not in blocks]
        if missing:
            blocks.update(self._fetch(missing[0], missing[-1]))
        written = 0
        for index in range(first, last + 1):
            start = self.position + written - index * self.block_size
            chunk = blocks[index][start : start + wanted - written]
            view[written : written + len(chunk)] = chunk
            written += len(chunk)
        for index in range(first, last + 1):
            self._blocks[index] = blocks[index]
            self._blocks.move_to_end(index)
        while len(self._blocks) > self.cache_blocks:
            self._blocks.popitem(last=False)
        self.position += written
        return written


def open_stored(storage, name: str):
    """A seekable binary file object over `name` in a Django storage, and the object's size in bytes.
    S3 storages (django-storages) get ranged reads; storages with local paths are opened directly."""
    size = storage.size(name)
    connection = getattr(storage, "connection", None)
    bucket_name = getattr(storage, "bucket_name", None)
    if connection is not None and bucket_name:
        from storages.utils import clean_name

        key = storage._normalize_name(clean_name(name))
        return S3RangeReader(client=connection.meta.client, bucket=bucket_name, key=key, size=size), size
    try:
        path = storage.path(name)
    except NotImplementedError:
        return storage.open(name, "rb"), size
    return open(path, "rb"), size  # noqa: SIM115 (the caller closes it)


def open_path(path):
    """A seekable binary file object over a local path, and its size in bytes."""
    return open(path, "rb"), os.path.getsize(path)  # noqa: SIM115
