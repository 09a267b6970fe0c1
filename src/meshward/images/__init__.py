"""``meshward images``: ask registries and Notary about every image of the inventory (verify).

auth      -> Docker config credentials and WWW-Authenticate challenges
http      -> a bounded HTTP client that answers registry auth challenges
registry  -> the OCI distribution API: tag -> digest, manifests, blobs, referrers
cosign    -> key-based cosign signatures (the ``.sig`` tag and the referrers API)
notary    -> Notary v1 / TUF trust data (root, targets, snapshot, timestamp)
targets   -> the images of an inventory, with where each is named
runner    -> every check for every image, concurrently, into findings and notices
"""
