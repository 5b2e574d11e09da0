"""Mark a folder of images with Ray Data, several actors at once, and check the result.

Runs on a local Ray cluster made on the spot (or the one RAY_ADDRESS names): reads the images with
ray.data.read_images, marks them with tidemark.ray_data.mark_dataset (one Embedder per actor; on
a GPU each when `--gpus-per-actor 1` and the cluster has GPUs), writes PNGs, then detects them:

    pip install "ray[data]"
    python samples/python/ray_mark.py samples/ /tmp/marked --payload 42

The key: --key-file PATH (present on every node) or --key-env NAME (set on every worker), else
the public key.
"""
import argparse

import ray

import tidemark.ray_data as tmr


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("src", help="folder of images (PNG, JPEG, WebP)")
    ap.add_argument("dst", help="output folder for the marked PNGs")
    ap.add_argument("--payload", type=int, default=42)
    ap.add_argument("--key-file")
    ap.add_argument("--key-env")
    ap.add_argument("--actors", type=int, default=2)
    ap.add_argument("--cpus-per-actor", type=float, default=0.5, help="leave CPUs for reading and writing")
    ap.add_argument("--gpus-per-actor", type=float, default=0)
    a = ap.parse_args()
    ray.init(include_dashboard=False, log_to_driver=False)
    # RGB only: grey or RGBA files are converted as they are read.
    ds = ray.data.read_images(a.src, mode="RGB", include_paths=True)
    keys = dict(key_file=a.key_file, key_env=a.key_env)
    marked = tmr.mark_dataset(ds, payload=a.payload, concurrency=a.actors, num_cpus=a.cpus_per_actor,
                              num_gpus=a.gpus_per_actor, **keys)
    marked = marked.materialize()  # marked once, then written and checked
    marked.write_images(a.dst, column="image", file_format="png")
    for row in tmr.detect_dataset(marked, num_cpus=a.cpus_per_actor, **keys).select_columns(["path", "tidemark_payload", "tidemark_z"]).take_all():
        print(f"{row['path']}: payload {row['tidemark_payload']}, z {row['tidemark_z']:.1f}")
    ray.shutdown()


if __name__ == "__main__":
    main()
