#!/usr/bin/env python3
"""A gocluster worker: gocluster serve -exec 'python3 sdk/python/example.py'."""
import gocluster


@gocluster.job("wordcount", doc="counts words in a string", example="to be or not")
def wordcount(text):
    return len(text.split())


gocluster.run()
