# The AWS CLI v1, kept warm for the test suite: each request is one `aws …` command line run by
# awscli's own driver (what the `aws` script runs: create_clidriver().main(argv)), in a fresh
# botocore session with the request's environment and working directory, its stdout and stderr
# captured. What a new `aws` process pays for every call (starting Python, importing botocore,
# parsing the service's JSON model: about 1 s of CPU) is paid once per worker: the data loader
# is shared, since the models on disk do not change while the suite runs.
#
# Protocol: one JSON object per line on stdin {"args": [...], "env": {...}, "cwd": "..."}; one
# JSON object per line on fd 3 {"rc": N, "stdout": "...", "stderr": "..."}. fd 3, not stdout,
# so that nothing the CLI writes past sys.stdout can corrupt an answer. EOF on stdin ends it.
import contextlib
import io
import json
import os
import sys

import botocore.session
from awscli.clidriver import create_clidriver

answers = os.fdopen(3, "w", encoding="utf-8")
# Importing awscli put its own data directory (the `cli` model) on AWS_DATA_PATH; every call's
# environment keeps it, as every `aws` process sets it at start.
DATA_PATH = os.environ["AWS_DATA_PATH"]
shared_loader = None


def run(args, env, cwd):
    global shared_loader
    os.environ.clear()
    os.environ.update(env)
    os.environ["AWS_DATA_PATH"] = DATA_PATH
    os.chdir(cwd)
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            driver = create_clidriver()
            if shared_loader is None:
                shared_loader = driver.session.get_component("data_loader")
                botocore.session.create_loader = lambda *a, **k: shared_loader
            rc = driver.main(args)
        except SystemExit as e:  # argparse's usage errors and --version exit
            rc = e.code if isinstance(e.code, int) else (0 if e.code is None else 255)
            if isinstance(e.code, str):
                err.write(e.code + "\n")
        except Exception as e:  # the CLI catches its own; this is a fault of the worker's
            rc = 255
            err.write("aws-cli-worker: %s: %s\n" % (type(e).__name__, e))
    return {"rc": rc if rc is not None else 0, "stdout": out.getvalue(), "stderr": err.getvalue()}


for line in sys.stdin:
    req = json.loads(line)
    answers.write(json.dumps(run(req["args"], req["env"], req["cwd"])) + "\n")
    answers.flush()
