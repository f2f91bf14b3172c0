#!/usr/bin/env bash
# Runs a deescalate experiment on a Slurm cluster: a job array with one shard per task, then a
# merge job that starts once every shard has succeeded and writes the same files a single run
# writes.
#
# Usage: scripts/slurm/submit.sh CONFIG SHARDS OUTDIR [RUN_OPTION...] [-- SBATCH_OPTION...]
#
#   CONFIG         the experiment file
#   SHARDS         number of array tasks; task K runs `deescalate run CONFIG --shard K/SHARDS`
#   OUTDIR         a new folder for everything the jobs write:
#                    OUTDIR/results/        the merged run folder (summary.csv, effects.csv, ...)
#                    OUTDIR/shards/K/       shard K's partial result
#                    OUTDIR/slurm/          the two job scripts, jobs.txt, logs/
#   RUN_OPTION     options of `deescalate run`: --trials N, --seed S, --set KEY=VALUE,
#                  --trials-csv, --independent-seeds, --ensemble ENSEMBLE.csv
#   SBATCH_OPTION  given to both sbatch calls: --partition=..., --account=..., --time=...,
#                  --cpus-per-task=N (a shard uses that many threads; default 1), --mem=...
#
# The deescalate binary: $DEESCALATE if set, else `deescalate` on PATH, else
# target/release/deescalate of this repository. It must be reachable from the compute nodes,
# as must CONFIG and OUTDIR (a shared file system).
set -euo pipefail

usage() {
    awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0" >&2
    exit 2
}
die() {
    echo "submit.sh: $*" >&2
    exit 2
}

[ $# -ge 3 ] || usage
config=$1 shards=$2 outdir=$3
shift 3
run_args=() sbatch_args=()
while [ $# -gt 0 ]; do
    if [ "$1" = "--" ]; then
        shift
        sbatch_args=("$@")
        break
    fi
    run_args+=("$1")
    shift
done

[[ $shards =~ ^[1-9][0-9]*$ ]] || die "SHARDS must be a whole number from 1 up, got '$shards'"
[ -f "$config" ] || die "$config: no such experiment file"
command -v sbatch >/dev/null || die "sbatch not found: run this on a Slurm login node"

repo=$(cd "$(dirname "$0")/../.." && pwd)
bin=${DEESCALATE:-$(command -v deescalate || echo "$repo/target/release/deescalate")}
[ -x "$bin" ] || die "no deescalate binary at $bin: build it (cargo build --release) or set DEESCALATE"
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
config=$(cd "$(dirname "$config")" && pwd)/$(basename "$config")

# The options that change the experiment go to `validate` too, so that a bad file or value is
# reported now rather than in N job logs.
validate_args=()
i=0
while [ $i -lt ${#run_args[@]} ]; do
    arg=${run_args[$i]}
    case $arg in
        --shard | --shard=* | --out | --out=* | --force)
            die "$arg is set by submit.sh (each task gets --shard K/$shards and its own --out)" ;;
        --precision | --precision=*)
            die "--precision cannot be sharded: run with a fixed --trials instead" ;;
        --set | --trials | --seed)
            [ $((i + 1)) -lt ${#run_args[@]} ] || die "$arg needs a value"
            validate_args+=("$arg" "${run_args[$((i + 1))]}")
            i=$((i + 1)) ;;
        --set=* | --trials=* | --seed=*)
            validate_args+=("$arg") ;;
        --ensemble | --ensemble=*)
            # The compute nodes need the ensemble file by an absolute path.
            if [ "$arg" = --ensemble ]; then
                [ $((i + 1)) -lt ${#run_args[@]} ] || die "$arg needs a value"
                file=${run_args[$((i + 1))]}
            else
                file=${arg#--ensemble=}
            fi
            [ -f "$file" ] || die "$file: no such ensemble file"
            file=$(cd "$(dirname "$file")" && pwd)/$(basename "$file")
            if [ "$arg" = --ensemble ]; then
                run_args[$((i + 1))]=$file
                i=$((i + 1))
            else
                run_args[$i]=--ensemble=$file
            fi
            validate_args+=(--ensemble "$file") ;;
    esac
    i=$((i + 1))
done
summary=$("$bin" validate "$config" "${validate_args[@]}") || exit 2
if grep -q '^precision ' <<<"$summary"; then
    die "$config has a [precision] section, which cannot be sharded (each shard would see only its own trials): remove it and set trials"
fi
name=$(awk '$1 == "experiment" { print $2; exit }' <<<"$summary")

if [ -e "$outdir" ] && [ -n "$(ls -A "$outdir" 2>/dev/null)" ]; then
    die "$outdir already exists and is not empty: choose a new OUTDIR (results are never overwritten)"
fi
mkdir -p "$outdir/slurm/logs" "$outdir/shards"
outdir=$(cd "$outdir" && pwd)

# Job scripts with every value quoted, kept in OUTDIR/slurm so that a run can be resubmitted.
{
    echo '#!/usr/bin/env bash'
    echo "# Shard \$SLURM_ARRAY_TASK_ID of $shards of $name (written by scripts/slurm/submit.sh)."
    echo 'set -euo pipefail'
    echo 'k=${SLURM_ARRAY_TASK_ID:?run this as a task of a job array (sbatch --array=1-N)}'
    echo '# A requeued or resubmitted task goes on from the checkpoint its killed attempt left.'
    printf 'resume=(); for c in %q/shards/."$k".partial-*/checkpoint.json; do [ -f "$c" ] && resume=(--resume); done\n' \
        "$outdir"
    printf 'exec %q run %q --shard "$k/%s" --out %q/shards/"$k" --force --no-progress --threads "${SLURM_CPUS_PER_TASK:-1}" "${resume[@]}"' \
        "$bin" "$config" "$shards" "$outdir"
    for arg in "${run_args[@]}"; do printf ' %q' "$arg"; done
    echo
} >"$outdir/slurm/shard.sh"
{
    echo '#!/usr/bin/env bash'
    echo "# Merges the $shards shards of $name (written by scripts/slurm/submit.sh)."
    echo 'set -euo pipefail'
    printf 'exec %q merge' "$bin"
    for k in $(seq 1 "$shards"); do printf ' %q' "$outdir/shards/$k"; done
    printf ' --out %q\n' "$outdir/results"
} >"$outdir/slurm/merge.sh"
chmod +x "$outdir/slurm/shard.sh" "$outdir/slurm/merge.sh"

array_job=$(sbatch --parsable --array="1-$shards" --job-name="$name-shards" \
    --output="$outdir/slurm/logs/shard-%A_%a.out" "${sbatch_args[@]}" "$outdir/slurm/shard.sh")
array_job=${array_job%%;*}
merge_job=$(sbatch --parsable --dependency="afterok:$array_job" --kill-on-invalid-dep=yes \
    --job-name="$name-merge" --output="$outdir/slurm/logs/merge-%j.out" "${sbatch_args[@]}" \
    "$outdir/slurm/merge.sh")
merge_job=${merge_job%%;*}
printf 'array_job=%s\nmerge_job=%s\n' "$array_job" "$merge_job" >"$outdir/slurm/jobs.txt"

echo "submitted $name: $shards shards as job array $array_job, the merge as job $merge_job (starts when every shard has succeeded)"
echo "results: $outdir/results/"
echo "logs:    $outdir/slurm/logs/"
echo "watch:   squeue -j $array_job,$merge_job"
