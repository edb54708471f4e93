"""The demo of `make run`, wired above every app: `load_demo` loads each app's demo rows in order, and the commands
`load_demo` and `run_all`. Each app keeps its own rows (contest.demo, media_pipeline.demo, judging.demo,
releases.demo); only this package knows them all."""
