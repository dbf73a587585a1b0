"""`kb bench`: build time, page weight, Lighthouse and live-reload figures, ours vs default Material."""
