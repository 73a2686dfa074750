from django.conf import settings
from django.db import models
from django.urls import reverse


class Framework(models.Model):
    """One version of a checklist: a draft the board is writing, or a published version, which
    never changes (the database refuses it)."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    code = models.SlugField(max_length=80, help_text="Stable across versions.")
    version = models.PositiveIntegerField()
    name = models.CharField(max_length=300)
    publisher = models.CharField(max_length=300, blank=True)
    published_on = models.DateField(null=True, blank=True)
    source = models.CharField(max_length=500, blank=True)
    description = models.TextField(blank=True)
    # sha256 of the loaded content, so that loading the same file again changes nothing.
    content_hash = models.CharField(max_length=64, blank=True)
    loaded_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PUBLISHED)
    published_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Optimistic locking for the draft editor.
    lock_version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="framework_version_unique"),
            models.UniqueConstraint(
                fields=["code", "content_hash"],
                condition=~models.Q(content_hash=""),
                name="framework_content_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} (version {self.version})"

    def get_absolute_url(self) -> str:
        return reverse("reviews:framework", args=[self.code, self.version])

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT


class Section(models.Model):
    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="sections")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=500)

    class Meta:
        ordering = ["framework", "number"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "number"], name="section_number_unique")
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class Expectation(models.Model):
    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="expectations")
    section = models.ForeignKey(Section, on_delete=models.PROTECT, related_name="expectations")
    code = models.CharField(max_length=20)
    order = models.PositiveIntegerField()
    text = models.TextField()
    what_good_looks_like = models.TextField(blank=True)
    # Everyday wordings of what the expectation asks, kept by the board in the framework's data
    # file: the evidence finder looks for passages that say any of them.
    concepts = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["framework", "order"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "code"], name="expectation_code_unique")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.text[:60]}"
