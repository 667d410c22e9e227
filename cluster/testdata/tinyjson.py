#!/usr/bin/env python3
"""The tiny JSON job of the benchmarks, served by the Python SDK: {"n":1} -> {"r":1}."""
import gocluster


@gocluster.job("tiny", doc="answers {\"r\": n}", example={"n": 1})
def tiny(job):
    return {"r": job["n"]}


gocluster.run()
